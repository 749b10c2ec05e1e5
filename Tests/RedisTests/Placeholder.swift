import XCTest

final class PlaceholderRedisTests: XCTestCase {}

import XCTest

final class PlaceholderMatchingTests: XCTestCase {}

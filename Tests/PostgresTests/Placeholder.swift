import XCTest

final class PlaceholderPostgresTests: XCTestCase {}

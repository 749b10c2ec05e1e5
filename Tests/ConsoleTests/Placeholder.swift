import XCTest

final class PlaceholderConsoleTests: XCTestCase {}

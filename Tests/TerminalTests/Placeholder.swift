import XCTest

final class PlaceholderTerminalTests: XCTestCase {}

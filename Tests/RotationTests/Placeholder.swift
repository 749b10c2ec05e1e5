import XCTest

final class PlaceholderRotationTests: XCTestCase {}

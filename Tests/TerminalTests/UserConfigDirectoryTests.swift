import Terminal
import XCTest

final class UserConfigDirectoryTests: XCTestCase {
    func testXDGConfigHomeWhenAbsoluteElseHomeDotConfig() {
        XCTAssertEqual(UserConfigDirectory.path(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/a"]), "/cfg/rotation")
        XCTAssertEqual(UserConfigDirectory.path(environment: ["HOME": "/home/a"]), "/home/a/.config/rotation")
        // The XDG spec ignores a relative or empty XDG_CONFIG_HOME.
        XCTAssertEqual(UserConfigDirectory.path(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]), "/h/.config/rotation")
        XCTAssertEqual(UserConfigDirectory.path(environment: ["XDG_CONFIG_HOME": "", "HOME": "/h"]), "/h/.config/rotation")
        XCTAssertNil(UserConfigDirectory.path(environment: ["HOME": ""]))
        XCTAssertNil(UserConfigDirectory.path(environment: [:]))
    }

    func testThemesLiveInTheConfigDirectory() {
        XCTAssertEqual(ThemeCatalog.userDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]),
                       "/h/.config/rotation/themes")
    }
}

import XCTest
@testable import Console

final class SelectionListTests: XCTestCase {
    func store(_ name: String, _ pending: Int = 1) -> StoreRow { StoreRow(name: name, pending: pending, unmatched: 0) }

    func testReplaceKeepsTheCursorOnItsItemAndItsScreenLine() {
        var list = SelectionList(items: ["a", "b", "c", "d"].map { store($0) })
        list.move(by: 2)
        list.top = 1
        list.replace(with: ["new1", "new2", "a", "b", "c", "d"].map { store($0) }, nextPage: nil)
        XCTAssertEqual(list.selected?.name, "c")
        XCTAssertEqual(list.cursor - list.top, 1, "the row stays on the same screen line")
    }

    func testReplaceWithoutTheItemClampsAndDropsStaleMarks() {
        var list = SelectionList(items: ["a", "b", "c"].map { store($0) })
        list.toggleMark("b")
        list.toggleMark("c")
        list.moveToBottom()
        list.replace(with: ["a", "b"].map { store($0) }, nextPage: nil)
        XCTAssertEqual(list.selected?.name, "b")
        XCTAssertEqual(list.marked, ["b"])
    }

    func testMergeInsertsNewRowsWhereThePageHasThemAndKeepsLaterPages() {
        var list = SelectionList(items: ["b", "c", "x"].map { store($0) })
        list.select(id: "c")
        let added = list.merge([store("a"), store("b", 5), store("c")])
        XCTAssertEqual(added, ["a"])
        XCTAssertEqual(list.items.map(\.name), ["a", "b", "c", "x"])
        XCTAssertEqual(list.items[1].pending, 5)
        XCTAssertEqual(list.selected?.name, "c")
    }

    func testFilterIsWordSubstringAndKeepsTheSelection() {
        var list = SelectionList(items: ["deepgroove-records", "tokyo-vinyl", "deep-house"].map { store($0) })
        list.select(id: "deep-house")
        list.setFilter("deep")
        XCTAssertEqual(list.visible.map(\.name), ["deepgroove-records", "deep-house"])
        XCTAssertEqual(list.selected?.name, "deep-house")
        list.setFilter("deep rec")
        XCTAssertEqual(list.visible.map(\.name), ["deepgroove-records"])
        list.setFilter("zzz")
        XCTAssertNil(list.selected)
    }
}

import XCTest
import Synchronization
@testable import Console
@testable import ConsoleLive

/// The launcher's other connections (live feeds, grants probe) start once the first page is answered: after the
/// first effect past a non-empty stores list, or at once when the stores list failed or is empty; every answer still
/// reaches the console's inbox.
final class FirstPageGateTests: XCTestCase {
    /// Answers each effect with a canned event, the stores list with `stores` (or a failure when nil).
    struct CannedAnswers: ConsoleEffectHandler {
        var stores: [StoreRow]?
        func perform(_ effect: ConsoleEffect, events: ConsoleEventInbox) {
            switch effect {
            case .loadStores(let id):
                events.post(stores.map { .storesLoaded(id, $0) } ?? .requestFailed(id, "Postgres is unreachable"))
            default:
                events.post(.requestFailed(effect.requestID, "not answered here"))
            }
        }
    }

    /// How many times the gate opened.
    final class OpenCount: Sendable {
        private let count = Mutex(0)
        func add() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    func gate(stores: [StoreRow]?) -> (FirstPageGate, OpenCount) {
        let opened = OpenCount()
        return (FirstPageGate(CannedAnswers(stores: stores)) { opened.add() }, opened)
    }

    func testAStoresListWaitsForTheFirstPageThenOpensOnce() {
        let (gate, opened) = gate(stores: [StoreRow(name: "deepgroove-records", pending: 42, unmatched: 7)])
        let inbox = ConsoleEventInbox()
        gate.perform(.loadStores(RequestID(1)), events: inbox)
        XCTAssertEqual(opened.value, 0)
        XCTAssertEqual(inbox.drain().count, 1, "the stores list reaches the console")
        gate.perform(.loadReleases(RequestID(2), store: "deepgroove-records", after: nil), events: inbox)
        gate.perform(.loadStores(RequestID(3)), events: inbox)
        gate.perform(.loadReleases(RequestID(4), store: "deepgroove-records", after: nil), events: inbox)
        XCTAssertEqual(opened.value, 1)
        XCTAssertEqual(inbox.drain().count, 3)
    }

    func testAnEmptyStoresListOpensAtOnce() {
        let (gate, opened) = gate(stores: [])
        gate.perform(.loadStores(RequestID(1)), events: ConsoleEventInbox())
        XCTAssertEqual(opened.value, 1)
    }

    func testAFailedStoresListOpensAtOnce() {
        let (gate, opened) = gate(stores: nil)
        let inbox = ConsoleEventInbox()
        gate.perform(.loadStores(RequestID(1)), events: inbox)
        XCTAssertEqual(opened.value, 1)
        guard case .requestFailed(RequestID(1), _)? = inbox.drain().first else { return XCTFail("the failure reaches the console") }
    }
}

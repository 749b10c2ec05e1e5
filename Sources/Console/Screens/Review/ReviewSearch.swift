import Foundation
import Matching
import Terminal

extension ActionID {
    public static let searchTrack = ActionID(rawValue: "search_track")
}

/// Where the search form searches: the sites with a search provider.
public enum SearchSite: String, CaseIterable, Hashable, Sendable {
    case youtube
    case soundcloud

    /// "YouTube", "SoundCloud".
    public var title: String {
        switch self {
        case .youtube: return "YouTube"
        case .soundcloud: return "SoundCloud"
        }
    }
}

/// One search the form asks for: the query as the reviewer edited it, on one site. A string literal is a query on
/// YouTube, the site the form searched before SoundCloud joined it.
public struct TrackSearchRequest: Hashable, Sendable, ExpressibleByStringLiteral {
    public var text: String
    public var site: SearchSite

    public init(_ text: String, on site: SearchSite = .youtube) {
        self.text = text
        self.site = site
    }

    public init(stringLiteral text: String) { self.init(text) }
}

/// "Search again" on the review screen (as beets has it): a query prefilled with the track's own, edited by the
/// reviewer, searched on YouTube within the shared quota or on SoundCloud (Tab switches between the configured
/// sites), the results scored by the matcher in a pick list tagged by source; the pick replaces the track's match
/// through the guarded replace decision (logged, undoable).
public struct TrackSearchForm: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        /// Asking the service for the track's query (and whether search is configured).
        case preparing(RequestID)
        /// The reviewer edits the query; Enter searches.
        case editing
        case searching(RequestID)
        /// Scored results, best first; Enter replaces the match with the one under the cursor.
        case results([CandidateOption], cursor: Int)
    }

    /// The track and the match the reviewer saw when opening the form: the guard of the replace.
    public var target: ReviewTarget
    public var trackTitle: String
    public var query = TextField(limit: 300)
    public var phase: Phase
    /// Why the last step failed (search not configured, budget spent, the release not stored), shown in the form.
    public var problem: String?
    /// Units the last search cost (0 when the search cache answered).
    public var unitsSpent: Int?
    /// The sites search is configured for, in the order Tab goes through them.
    public var sites: [SearchSite] = [.youtube]
    /// The site Enter searches.
    public var site: SearchSite = .youtube

    public init(target: ReviewTarget, trackTitle: String, phase: Phase) {
        self.target = target
        self.trackTitle = trackTitle
        self.phase = phase
    }

    /// The request the form waits for, if any.
    public var waitingFor: RequestID? {
        switch phase {
        case .preparing(let id), .searching(let id): return id
        case .editing, .results: return nil
        }
    }

    /// The configured site after the active one (the active one when it is the only one).
    public var nextSite: SearchSite {
        guard let index = sites.firstIndex(of: site) else { return sites.first ?? site }
        return sites[(index + 1) % sites.count]
    }
}

/// What the service answers to the search form's requests.
public enum TrackSearchAnswer: Equatable, Sendable {
    /// The track's own query, to edit, and the sites search is configured for (the first one is searched first).
    case suggestedQuery(String, sites: [SearchSite] = [.youtube])
    /// The scored uploads, best first (URLs rejected for the track marked), and the quota units the search cost.
    case results([CandidateOption], unitsSpent: Int)
    /// Search cannot be made (not configured, budget spent, key refused, release not stored): a message to show.
    case unavailable(String)
}

extension ConsoleState {
    /// Opens the search form on the focused track and asks for its query.
    mutating func openTrackSearch() -> [ConsoleEffect] {
        guard let candidates = reviewTargets(for: "Search again") else { return [] }
        guard candidates.count == 1, let track = candidates.first else {
            say("Search works on one track at a time; \(keymap.keyLabel(for: .cancel) ?? "Esc") clears the marks", .warning)
            return []
        }
        let id = begin(.trackSearch, "preparing a search for \(track.position) \(track.title)")
        modal = .search(TrackSearchForm(target: ReviewTarget(track), trackTitle: "\(track.position) \(track.title)",
                                        phase: .preparing(id)))
        return [.prepareTrackSearch(id, track.reference)]
    }

    /// Keys while the search form is open.
    mutating func handleTrackSearchKey(_ key: KeyEvent, _ form: TrackSearchForm) -> [ConsoleEffect] {
        var form = form
        if keymap.closesDialog(key) {
            modal = nil
            say("Search closed: nothing was changed")
            return supersede { $0 == .trackSearch }
        }
        switch form.phase {
        case .preparing, .searching:
            return []
        case .editing:
            switch key {
            case .enter:
                return search(&form)
            case .tab:
                // Another site for the same query; nothing is searched until Enter.
                form.site = form.nextSite
                form.problem = nil
                modal = .search(form)
                return []
            default:
                guard let edit = Self.edit(for: key) else { return [] }
                form.query.edit(edit)
                modal = .search(form)
                return []
            }
        case .results(let picks, let cursor):
            if keymap.binds(key, to: .moveDown) || key == .control("n") {
                form.phase = .results(picks, cursor: min(max(0, picks.count - 1), cursor + 1))
            } else if keymap.binds(key, to: .moveUp) || key == .control("p") {
                form.phase = .results(picks, cursor: max(0, cursor - 1))
            } else if key == .enter {
                guard picks.indices.contains(cursor) else { return [] }
                let pick = picks[cursor]
                guard !pick.rejected else {
                    form.problem = "a reviewer rejected this URL for this track; pick another"
                    modal = .search(form)
                    return []
                }
                guard case .valid(let url, let platform) = RecordingURL.validate(pick.url) else {
                    form.problem = "not a YouTube or SoundCloud URL"
                    modal = .search(form)
                    return []
                }
                modal = nil
                return submitReplacement(url: url, platform: platform, for: form.target)
            } else if key == .backspace || key == .character("e") {
                // Back to the query, to refine it.
                form.phase = .editing
            } else if key == .tab, form.sites.count > 1 {
                // The list belongs to the site it came from: the same query on the next site replaces it.
                form.site = form.nextSite
                return search(&form)
            } else {
                return []
            }
            modal = .search(form)
            return []
        }
    }

    /// Searches the form's query on its site.
    private mutating func search(_ form: inout TrackSearchForm) -> [ConsoleEffect] {
        let text = form.query.text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            form.problem = "type something to search for"
            form.phase = .editing
            modal = .search(form)
            return []
        }
        let id = begin(.trackSearch, "searching \(form.site.title) for \(form.trackTitle)")
        form.phase = .searching(id)
        form.problem = nil
        modal = .search(form)
        return [.searchTrack(id, form.target.track, query: TrackSearchRequest(text, on: form.site))]
    }

    /// The service's answer to the form's request; nil when it is not one.
    mutating func applyTrackSearchAnswer(_ event: ConsoleEvent) -> [ConsoleEffect]? {
        guard case .trackSearchAnswered(let id, let answer) = event else { return nil }
        guard finish(id) != nil, case .search(var form) = modal, form.waitingFor == id else { return [] }
        switch answer {
        case .suggestedQuery(let text, let sites):
            form.query = TextField(text, limit: form.query.limit)
            form.sites = sites.isEmpty ? [.youtube] : sites
            form.site = form.sites[0]
            form.phase = .editing
        case .results(let picks, let units):
            form.unitsSpent = units
            form.phase = picks.isEmpty ? .editing : .results(picks, cursor: 0)
            form.problem = picks.isEmpty ? "no upload found for this query; edit it and search again" : nil
        case .unavailable(let reason):
            form.problem = reason
            // Without a query there is nothing to edit: the form stays open to say why, Esc closes it.
            form.phase = .editing
        }
        modal = .search(form)
        return []
    }

    /// A search request failed outright (Postgres down, an unexpected error): the form says why.
    mutating func trackSearchFailed(_ request: PendingRequest) {
        guard request.kind == .trackSearch, case .search(var form) = modal, form.waitingFor == request.id else { return }
        form.problem = message?.text ?? "the search failed"
        form.phase = .editing
        modal = .search(form)
    }
}

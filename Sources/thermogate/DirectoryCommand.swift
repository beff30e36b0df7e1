import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoStore

struct DirectoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "directory",
    abstract: "The staff directory: who may pass the gates, from when until when, blocked or not.",
    discussion: """
      Under --config, the configuration's person_ids rule applies to the directory as to the \
      register: with hashed IDs, work IDs are kept as h:… (give IDs as people type them; they are \
      hashed first) and names are not kept; with plain or omitted, IDs are kept as read (the \
      directory must know an ID to open a gate for it; omitted concerns the health register only).
      """,
    subcommands: [Import.self, List.self, Show.self, Block.self, Unblock.self],
    defaultSubcommand: List.self
  )

  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Replace the whole directory with a CSV file.",
      discussion: """
        The file is UTF-8 CSV (as spreadsheets save "CSV UTF-8") with the header \
        \(DirectoryCSV.header). valid_from and valid_until are dates (2026-12-31: from the start, \
        until the end of that day, in this machine's time zone) or date-times with a zone \
        (2026-12-31T18:00:00+08:00); empty is unbounded. status is active or blocked (empty: \
        active). IDs not in the file are removed, and a block set with `directory block` lasts \
        until the next import says otherwise. Every problem is printed as FILE:LINE: field NAME: \
        …; if there is any, nothing of the file is applied (exit 1).
        """)

    @OptionGroup var store: StoreOption
    @Argument(help: "The directory file (CSV).") var file: String
    @Option(help: "Who imports it (recorded); default: $USER.") var by: String?

    func run() throws {
      var standardError = StandardError()
      guard let data = FileManager.default.contents(atPath: file) else {
        print("error: cannot read \(file)", to: &standardError)
        throw ExitCode(1)
      }
      guard let text = String(data: data, encoding: .utf8) else {
        print("error: \(file) is not UTF-8 text (save it as \"CSV UTF-8\"); nothing imported", to: &standardError)
        throw ExitCode(1)
      }
      let members: [StaffMember]
      do {
        members = try DirectoryCSV.parse(text, file: file)
      } catch {
        for problem in error.problems { print(problem.description, to: &standardError) }
        print("\(error.problems.count) problem(s) in \(file); nothing imported", to: &standardError)
        throw ExitCode(1)
      }
      let policy = try store.configuration()?.personIDs ?? .plain
      let database = try store.openCreating()
      let summary = try store.report {
        try database.importDirectory(
          members.map { $0.kept(under: policy) }, source: file, by: operatorName(by), at: Date().timeIntervalSince1970)
      }
      print(
        "imported \(summary.total) staff from \(file) (\(summary.added) added, \(summary.changed) changed, "
          + "\(summary.removed) removed)")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The directory, by work ID; `until` is the first instant an ID is no longer valid.")

    @OptionGroup var store: StoreOption
    @Flag(help: "One JSON object per member.") var json = false

    func run() throws {
      let members = try store.withStore { try $0.staffMembers() }
      for member in members {
        if json {
          var line = JSONLine()
          line.add("work_id", member.workID)
          line.add("name", member.name)
          line.add("department", member.department)
          line.add("role", member.role)
          line.add("valid_from", member.validFrom.map(localTime))
          line.add("valid_until", member.validUntil.map(localTime))
          line.add("status", member.blocked ? "blocked" : "active")
          print(line.string)
        } else {
          print(
            [
              member.workID, member.name ?? "-", member.department ?? "-", member.role ?? "-", validity(member),
              member.blocked ? "BLOCKED" : "active",
            ].joined(separator: "  "))
        }
      }
      var standardError = StandardError()
      print(
        "\(members.count) staff, \(members.filter(\.blocked).count) blocked", to: &standardError)
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "One member: fields, whether the gate would take the ID now, and its change log.")

    @OptionGroup var store: StoreOption
    @Argument(help: "The work ID as the badge reader gives it.") var id: String

    func run() throws {
      let key = try store.configuration()?.personIDs.directoryKey(id) ?? id
      let now = Date().timeIntervalSince1970
      let (member, changes) = try store.withStore { database in
        (try database.staffMember(key), try database.directoryChanges(workID: key))
      }
      guard let member else {
        var standardError = StandardError()
        print("error: the staff directory has no work ID \(id)", to: &standardError)
        throw ExitCode(1)
      }
      print("work_id: \(member.workID)")
      print("name: \(member.name ?? "-")")
      print("department: \(member.department ?? "-")")
      print("role: \(member.role ?? "-")")
      print("valid: \(validity(member))")
      print("status: \(member.blocked ? "blocked" : "active")")
      let check = AccessDirectory(staff: [member]).check(member.workID, atWall: now)
      print("now: \(check.refusal.map { "refused (\($0.rawValue))" } ?? "valid")")
      for change in changes {
        let detail = change.detail.map { " (\($0))" } ?? ""
        let source = change.source.map { " from \($0)" } ?? ""
        print(
          "\(localTime(change.changedAt))  \(change.action.rawValue)\(detail)\(source) by \(change.changedBy ?? "-")")
      }
    }
  }

  struct Block: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Refuse a work ID at every gate until it is unblocked (or an import says active).")

    @OptionGroup var store: StoreOption
    @Argument(help: "The work ID as the badge reader gives it.") var id: String
    @Option(help: "Who blocks it (recorded); default: $USER.") var by: String?

    func run() throws { try setBlocked(true, id: id, by: by, store: store) }
  }

  struct Unblock: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Take a work ID's block away.")

    @OptionGroup var store: StoreOption
    @Argument(help: "The work ID as the badge reader gives it.") var id: String
    @Option(help: "Who unblocks it (recorded); default: $USER.") var by: String?

    func run() throws { try setBlocked(false, id: id, by: by, store: store) }
  }

  private static func setBlocked(_ blocked: Bool, id: String, by: String?, store: StoreOption) throws {
    let key = try store.configuration()?.personIDs.directoryKey(id) ?? id
    let changed = try store.withStore {
      try $0.setBlocked(key, blocked, by: operatorName(by), at: Date().timeIntervalSince1970)
    }
    print(
      changed ? "\(id) \(blocked ? "blocked" : "unblocked")" : "\(id) was \(blocked ? "blocked" : "active") already")
  }
}

/// Who did it, for the change log: `--by`, else the login name.
func operatorName(_ by: String?) -> String? {
  by ?? ProcessInfo.processInfo.environment["USER"]
}

/// ISO 8601 in this machine's time zone, with its offset: what the guard's clock shows.
func localTime(_ seconds: Double) -> String {
  Date(timeIntervalSince1970: seconds).formatted(
    Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: .current))
}

/// The validity bounds; the end is exclusive (`until` is the first instant no longer valid).
private func validity(_ member: StaffMember) -> String {
  switch (member.validFrom, member.validUntil) {
  case (nil, nil): "always"
  case (let from?, nil): "from \(localTime(from))"
  case (nil, let until?): "until \(localTime(until))"
  case (let from?, let until?): "from \(localTime(from)) until \(localTime(until))"
  }
}

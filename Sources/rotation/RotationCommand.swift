import ArgumentParser

@main
struct RotationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotation",
        abstract: "Review and manage Rotation's track matches.")
}

/// An ioctl(2) request number, built the way Linux's `_IO`/`_IOR`/`_IOW`/`_IOWR` macros build
/// them (include/uapi/asm-generic/ioctl.h, which x86, ARM and RISC-V use): bits 0–7 the command
/// number, 8–15 the driver's type letter, 16–29 the argument's size, 30–31 the direction.
/// Computed rather than copied as hex, so each request reads like its C header line.
public struct IoctlRequest: RawRepresentable, Sendable, Hashable {
  public var rawValue: UInt

  public init(rawValue: UInt) {
    self.rawValue = rawValue
  }

  /// Which way the argument travels, seen from user space.
  public enum Direction: UInt, Sendable {
    /// The corresponding C constant is `_IOC_NONE`.
    case none = 0
    /// The caller passes the argument in. The corresponding C constant is `_IOC_WRITE`.
    case write = 1
    /// The kernel fills the argument in. The corresponding C constant is `_IOC_READ`.
    case read = 2
    case readWrite = 3
  }

  /// The corresponding C macro is `_IOC(direction, type, number, size)`.
  public init(_ direction: Direction, type: UInt8, number: UInt8, size: Int) {
    precondition(size >= 0 && size < 1 << 14, "an ioctl argument's size has 14 bits")
    rawValue = direction.rawValue << 30 | UInt(size) << 16 | UInt(type) << 8 | UInt(number)
  }

  /// The corresponding C macro is `_IOW(type, number, Argument)`.
  public static func write<Argument>(type: Character, number: UInt8, _: Argument.Type) -> IoctlRequest {
    IoctlRequest(.write, type: letter(type), number: number, size: MemoryLayout<Argument>.size)
  }

  /// The corresponding C macro is `_IOR(type, number, Argument)`.
  public static func read<Argument>(type: Character, number: UInt8, _: Argument.Type) -> IoctlRequest {
    IoctlRequest(.read, type: letter(type), number: number, size: MemoryLayout<Argument>.size)
  }

  private static func letter(_ type: Character) -> UInt8 {
    precondition(type.isASCII, "ioctl type letters are ASCII")
    return type.asciiValue ?? 0
  }
}

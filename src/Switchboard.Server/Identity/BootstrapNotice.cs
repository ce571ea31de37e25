namespace Switchboard.Server.Identity;

/// <summary>
/// Where the first admin's password is printed, once, on the first start (standard output; not
/// the log, so it never lands in log storage).
/// </summary>
public sealed class BootstrapNotice
{
    /// <summary>The writer; tests replace it.</summary>
    public TextWriter Output { get; set; } = Console.Out;
}

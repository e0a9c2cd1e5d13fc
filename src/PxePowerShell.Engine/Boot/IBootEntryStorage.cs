using System.Collections.Immutable;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Where the boot entries live (boot-entries.json embedded). <see cref="BootEntryStore"/> validates and serializes
/// changes; this only reads and writes the whole set. Implementations are safe to call from several threads and, for
/// shared stores, from several processes.
/// </summary>
public interface IBootEntryStorage
{
    /// <summary>Where the entries live, for messages (a file path, a database name); never a secret.</summary>
    string Location { get; }

    /// <summary>
    /// A cheap token that changes whenever the stored set changes (a file's time stamp and length); null when nothing
    /// is stored or it cannot be read. Compared with <see cref="object.Equals(object?)"/>; read before <see cref="Read"/>.
    /// </summary>
    object? Version { get; }

    /// <summary>
    /// The stored settings and entries with the time of their last change (default when unknown), or null when nothing
    /// is stored yet. Throws
    /// <see cref="BootEntryException"/> (StoreUnreadable) when the stored set cannot be read; it is never overwritten then.
    /// </summary>
    BootConfiguration? Read();

    /// <summary>Replaces the stored set with <paramref name="settings"/> and <paramref name="entries"/>, atomically (readers see the old or the new set) and durable before return.</summary>
    void Write(BootMenuSettings settings, ImmutableArray<BootEntry> entries);
}

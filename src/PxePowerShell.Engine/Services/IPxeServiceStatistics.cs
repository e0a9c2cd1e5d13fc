namespace PxePowerShell.Engine.Services;

/// <summary>
/// The counters of a running service, as <see cref="IPxeService.GetStatistics"/> returns them: each server's own type
/// (DhcpServerStatistics, TftpStatistics, HttpStatistics with live counters, PxeServerStatistics of a composed server),
/// which a caller holding the server gets without a cast. An interface rather than a base record, because the HTTP
/// server's counters are a live object, not a snapshot.
/// </summary>
public interface IPxeServiceStatistics;

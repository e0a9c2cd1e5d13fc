using System.Management.Automation;
using System.Net;
using System.Text;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Writes the generated menus below a TFTP root, with the names and layout PxePowerShell serves them under
/// (BootMenuExporter), for dnsmasq, tftpd-hpa or a web server.
/// </summary>
[Cmdlet(VerbsData.Export, "PxeBootMenu", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportPxeBootMenuCommand : BootEntryCmdlet
{
    private readonly List<string> _pending = [];
    private BootEntryStore? _store;

    /// <summary>The formats to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public BootMenuFormat[] Format { get; set; } = [];

    /// <summary>The TFTP root to write below.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>For Syslinux: EfiX64 (efi64/, the default) or EfiIA32 (efi32/).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ArchitectureCompleter))]
    public string? Architecture { get; set; }

    /// <summary>The address that replaces {server}.</summary>
    [Parameter]
    [ValidateNotNull]
    public IPAddress? ServerAddress { get; set; }

    /// <summary>The HTTP base URL.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? HttpBaseUri { get; set; }

    /// <summary>The BIOS loader is lpxelinux.0.</summary>
    [Parameter]
    public SwitchParameter Lpxelinux { get; set; }

    /// <summary>menu.c32 or vesamenu.c32.</summary>
    [Parameter]
    [ValidateSet("menu.c32", "vesamenu.c32")]
    public string MenuModule { get; set; } = "menu.c32";

    /// <summary>
    /// Boot entries piped in (New-PxeBootEntry, Set-PxeBootEntry -PassThru, Get-PxeBootEntry): they are in the store
    /// already, and the menus written hold every entry, so a pipeline of entries writes each menu once.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public BootEntry[]? InputObject { get; set; }

    /// <summary>Write a FileInfo for each file written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => _store = OpenStore();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        BootArchitecture? architecture = null;
        if (Architecture is not null)
        {
            architecture = ParseSingleArchitecture(Architecture);
            if (architecture is null)
            {
                return;
            }

            if (architecture is not (BootArchitecture.EfiX64 or BootArchitecture.EfiIA32))
            {
                WriteError(Error(ErrorIds.UnknownArchitecture, ErrorCategory.InvalidArgument, Architecture, $"syslinux.efi menus are written for EfiX64 (efi64/) or EfiIA32 (efi32/), not {architecture}."));
                return;
            }
        }

        string root = ResolvePath(Path);
        if (InputObject is not null)
        {
            // Piped entries: write once they are all in the store, each root once.
            if (!_pending.Contains(root, StringComparer.Ordinal))
            {
                _pending.Add(root);
            }

            return;
        }

        Write(root, architecture);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        foreach (var root in _pending)
        {
            Write(root, Architecture is null ? null : ParseSingleArchitecture(Architecture));
        }
    }

    private void Write(string root, BootArchitecture? architecture)
    {
        var options = new BootRenderOptions
        {
            ServerAddress = ServerAddress?.ToString(),
            HttpBaseUri = HttpBaseUri,
            Lpxelinux = Lpxelinux,
            MenuModule = MenuModule,
        };
        var configuration = _store!.Refresh();
        foreach (var format in Format.Distinct())
        {
            IReadOnlyList<(string RelativePath, string Content)> files;
            try
            {
                files = BootMenuExporter.Files(configuration, format, options, format == BootMenuFormat.Syslinux ? architecture : null);
            }
            catch (BootEntryException ex)
            {
                WriteError(BootError(ex, format));
                continue;
            }

            foreach (var (relative, content) in files)
            {
                string target = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, relative.Replace('/', System.IO.Path.DirectorySeparatorChar)));
                if (!ShouldProcess(target, $"Write {format} menu"))
                {
                    continue;
                }

                try
                {
                    WriteAtomically(target, content);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    WriteError(Error(ErrorIds.ExportFailed, ErrorCategory.WriteError, target, $"The menu file '{target}' cannot be written: {ex.Message}", ex));
                    continue;
                }

                WriteVerbose($"Wrote {target}.");
                if (PassThru)
                {
                    WriteObject(new FileInfo(target));
                }
            }
        }
    }

    /// <summary>Writes UTF-8 without a byte order mark (the bytes the servers send) through a temporary file and a rename.</summary>
    private static void WriteAtomically(string path, string content)
    {
        string directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        string temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}

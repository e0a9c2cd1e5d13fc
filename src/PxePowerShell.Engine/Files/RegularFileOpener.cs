using Microsoft.Win32.SafeHandles;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Files;

/// <summary>
/// Opens a host file for reading only when it is a regular file, without ever blocking: on Linux the open is
/// <c>open(O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)</c> (a FIFO without a writer, a tty or a device cannot hold the
/// caller), then <c>statx</c> on the opened descriptor refuses anything that is not a regular file (FIFOs, sockets,
/// character and block devices) before a byte is read. O_NONBLOCK has no effect on reads of a regular file.
/// Elsewhere the file's attributes are checked before a normal open.
/// </summary>
internal static class RegularFileOpener
{
    /// <summary>
    /// Opens <paramref name="path"/>; on success the handle, else a status and reason (not found, a directory, or
    /// refused as not a regular file or not readable).
    /// </summary>
    public static BootFileStatus Open(string path, out SafeFileHandle? handle, out string? reason)
    {
        handle = null;
        reason = null;
        if (!OperatingSystem.IsLinux())
        {
            return OpenPortable(path, out handle, out reason);
        }

        if (FileDescriptors.OpenForReading(path, out int errno) is not { } opened)
        {
            (var status, reason) = errno switch
            {
                Errno.Enoent or Errno.Enotdir => (BootFileStatus.NotFound, "file not found"),
                Errno.Eacces => (BootFileStatus.AccessDenied, "the file is not readable"),
                Errno.Eloop => (BootFileStatus.AccessDenied, "the path holds a looping link"),
                _ => (BootFileStatus.AccessDenied, $"the file cannot be opened (errno {errno})"),
            };
            return status;
        }

        int type = FileDescriptors.FileType(opened);
        if (type == FileDescriptors.RegularFile)
        {
            handle = opened;
            return BootFileStatus.Ok;
        }

        opened.Dispose();
        if (type == FileDescriptors.Directory)
        {
            reason = "the path is a directory";
            return BootFileStatus.IsDirectory;
        }

        reason = $"not a regular file ({Describe(type)}): only regular files are served";
        return BootFileStatus.AccessDenied;
    }

    private static string Describe(int type) => type switch
    {
        FileDescriptors.Fifo => "a FIFO",
        FileDescriptors.CharacterDevice => "a character device",
        FileDescriptors.BlockDevice => "a block device",
        FileDescriptors.Socket => "a socket",
        _ => "its type could not be read",
    };

    private static BootFileStatus OpenPortable(string path, out SafeFileHandle? handle, out string? reason)
    {
        handle = null;
        reason = null;
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            reason = Directory.Exists(path) ? "the path is a directory" : "file not found";
            return Directory.Exists(path) ? BootFileStatus.IsDirectory : BootFileStatus.NotFound;
        }

        if ((info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) != 0)
        {
            reason = "not a regular file (a FIFO, socket or device is never served)";
            return BootFileStatus.AccessDenied;
        }

        handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return BootFileStatus.Ok;
    }

}

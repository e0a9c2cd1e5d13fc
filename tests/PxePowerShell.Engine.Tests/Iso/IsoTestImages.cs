using System.Diagnostics;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Tests.Iso;

/// <summary>Builds real ISO images with xorriso and genisoimage for the reader's tests, and walks them.</summary>
internal static class IsoTestImages
{
    /// <summary>Runs a tool; fails the test with its output when it fails.</summary>
    public static void Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), $"{file} timed out");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {stderr.Result}{stdout.Result}");
    }

    /// <summary>
    /// A tree with a kernel-like file, a long name, a deep path (12 levels), and symbolic links (relative, absolute, to a
    /// directory, dangling). Returns the tree's directory; file contents are deterministic.
    /// </summary>
    public static string CreateTree(string parent)
    {
        string tree = Path.Combine(parent, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "boot", "x86_64"));
        File.WriteAllBytes(Path.Combine(tree, "boot", "x86_64", "vmlinuz-linux"), Bytes(150_001, 1));
        File.WriteAllBytes(Path.Combine(tree, "boot", "initramfs-linux.img"), Bytes(70_000, 2));
        File.WriteAllText(Path.Combine(tree, "A Long File Name, with Spaces and MiXeD case.txt"), "long name\n");
        File.WriteAllBytes(Path.Combine(tree, "empty"), []);
        string deep = Path.Combine(tree, "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12");
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "deep.txt"), "twelve levels down\n");
        File.CreateSymbolicLink(Path.Combine(tree, "latest"), "boot/x86_64/vmlinuz-linux");
        File.CreateSymbolicLink(Path.Combine(tree, "absolute"), "/boot/initramfs-linux.img");
        Directory.CreateSymbolicLink(Path.Combine(tree, "kernels"), "boot/x86_64");
        File.CreateSymbolicLink(Path.Combine(tree, "boot", "up"), "../latest");
        File.CreateSymbolicLink(Path.Combine(tree, "dangling"), "nowhere/at/all");
        File.CreateSymbolicLink(Path.Combine(tree, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(tree, "loop2"), "loop1");
        return tree;
    }

    /// <summary>Deterministic content.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Lists every directory (each extent once, so loops end) and reads every file to the end; returns the number of
    /// entries. Only IsoFormatException may escape.
    /// </summary>
    public static int Walk(IsoImage image)
    {
        var seen = new HashSet<long>();
        var pending = new Stack<IsoEntry>();
        pending.Push(image.FileSystem.Root);
        int count = 0;
        byte[] buffer = new byte[65536];
        while (pending.Count > 0 && count < 100_000)
        {
            var directory = pending.Pop();
            if (directory.Extents.Count == 0 || !seen.Add(directory.Extents[0].Offset))
            {
                continue;
            }

            foreach (var entry in image.FileSystem.List(directory))
            {
                count++;
                if (entry.IsDirectory)
                {
                    pending.Push(entry);
                }
                else if (entry.Kind == IsoEntryKind.File)
                {
                    using var file = image.OpenFile(entry);
                    for (long offset = 0; offset < file.Length;)
                    {
                        int n = file.Read(offset, buffer);
                        if (n == 0)
                        {
                            break;
                        }

                        offset += n;
                    }
                }
            }
        }

        return count;
    }
}

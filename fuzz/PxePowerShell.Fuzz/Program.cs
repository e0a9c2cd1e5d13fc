using SharpFuzz;

namespace PxePowerShell.Fuzz;

/// <summary>
/// Entry point of the AFL++ harnesses. <c>PxePowerShell.Fuzz &lt;target&gt;</c> runs one target under afl-fuzz
/// (SharpFuzz's out-of-process fork server: a crash, even a stack overflow, restarts the child and is reported);
/// <c>PxePowerShell.Fuzz &lt;target&gt; FILE|DIR...</c> replays inputs without AFL and prints what each did.
/// </summary>
internal static class Program
{
    /// <summary>Largest input handed to a target (AFL++ never writes more than 1 MB).</summary>
    private const int MaxInput = 1 << 20;

    private static readonly Dictionary<string, FuzzTarget> Targets = new(StringComparer.Ordinal)
    {
        ["dhcp"] = DhcpTarget.Run,
        ["dhcp6"] = Dhcp6Target.Run,
        ["tftp"] = TftpTarget.Run,
        ["http"] = HttpRequestTarget.Run,
        ["iso"] = IsoTarget.Run,
    };

    /// <summary>Where a harness says how a parser refused an input; set only when replaying.</summary>
    internal static Action<string>? Log { get; private set; }

    private static int Main(string[] args)
    {
        if (args.Length == 0 || !Targets.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: PxePowerShell.Fuzz <{string.Join('|', Targets.Keys)}> [FILE|DIR ...]");
            return 2;
        }

        if (args.Length > 1)
        {
            return Replay(target, args[1..]);
        }

        byte[] buffer = new byte[MaxInput];
        Action<Stream> run = stream =>
        {
            int length = 0;
            int n;
            while (length < buffer.Length && (n = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += n;
            }

            target(buffer.AsSpan(0, length));
        };
        if (Environment.GetEnvironmentVariable("PXE_FUZZ_IN_PROCESS") == "1")
        {
            Fuzzer.Run(run);
        }
        else
        {
            Fuzzer.OutOfProcess.Run(run);
        }

        return 0;
    }

    /// <summary>Runs every file (directories: every file in them) through the target; 1 when any crashed.</summary>
    private static int Replay(FuzzTarget target, string[] paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                // AFL++ leaves a README.txt beside the crashing inputs.
                files.AddRange(Directory.EnumerateFiles(path).Where(f => Path.GetFileName(f) != "README.txt").Order(StringComparer.Ordinal));
            }
            else
            {
                files.Add(path);
            }
        }

        Log = message => Console.WriteLine($"       {message}");
        int crashes = 0;
        foreach (string file in files)
        {
            try
            {
                target(File.ReadAllBytes(file));
                Console.WriteLine($"ok     {file}");
            }
#pragma warning disable CA1031 // A replay reports every escaping exception: that is the point.
            catch (Exception e)
#pragma warning restore CA1031
            {
                crashes++;
                Console.WriteLine($"CRASH  {file}");
                Console.WriteLine(e.ToString());
            }
        }

        Console.WriteLine($"{files.Count} inputs, {crashes} crashed");
        return crashes == 0 ? 0 : 1;
    }
}

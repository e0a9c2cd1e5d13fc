using System.Runtime.CompilerServices;

// The HTTP benchmark server (bench/http/HttpBenchServer) switches the body send mode to compare them.
[assembly: InternalsVisibleTo("HttpBenchServer")]

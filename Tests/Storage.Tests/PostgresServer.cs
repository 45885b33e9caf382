using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorPager.Storage.Tests;

/// <summary>
/// Where the PostgreSQL tests find a server: the connection string in ACTORPAGER_TEST_POSTGRES
/// (set by .ci/postgres.sh), or else a throwaway server this fixture starts from the installed
/// PostgreSQL binaries and removes when the tests end. With neither, the tests are skipped.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    /// <summary>The environment variable holding an Npgsql connection string.</summary>
    public const string Variable = "ACTORPAGER_TEST_POSTGRES";

    /// <summary>Why the PostgreSQL tests are skipped, or null when they can run; decided once, when tests are discovered.</summary>
    public static readonly string? SkipReason = FindSkipReason();

    /// <summary>The data directory of a server this fixture started, or null.</summary>
    private readonly string? _directory;

    /// <summary>The binaries of a server this fixture started, or null.</summary>
    private readonly string? _bin;

    /// <summary>Finds or starts the server.</summary>
    public PostgresServer()
    {
        string? configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ConnectionString = configured;
            return;
        }

        if (SkipReason is not null)
        {
            ConnectionString = "";
            return;
        }

        _bin = FindBinaries()!;
        _directory = Path.Combine(Path.GetTempPath(), "actorpager-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        bool root = Environment.UserName == "root";
        if (root)
        {
            Run("chown", "postgres:", _directory);
        }

        string user = root ? "postgres" : Environment.UserName;
        int port = FreePort();
        RunAsOwner(root, Path.Combine(_bin, "initdb"), "-D", Path.Combine(_directory, "data"), "-U", user, "--auth=trust", "--no-sync");
        RunAsOwner(root, Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_directory, "data"), "-l", Path.Combine(_directory, "log"), "-w",
            "-o", $"-p {port} -k {_directory} -c listen_addresses=127.0.0.1", "start");
        ConnectionString = $"Host=127.0.0.1;Port={port};Database=postgres;Username={user}";
    }

    /// <summary>The Npgsql connection string of the server.</summary>
    public string ConnectionString { get; }

    /// <summary>Stops and removes a server this fixture started.</summary>
    public void Dispose()
    {
        if (_directory is null || _bin is null)
        {
            return;
        }

        try
        {
            RunAsOwner(Environment.UserName == "root", Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Null when a server is configured or can be started; otherwise how to enable the tests.</summary>
    private static string? FindSkipReason()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            return null;
        }

        const string How = "; to run them, set " + Variable + " to an Npgsql connection string (eval \"$(.ci/postgres.sh)\" starts a throwaway server and prints it) or install PostgreSQL (apt-get install postgresql)";
        if (FindBinaries() is null)
        {
            return "PostgreSQL tests skipped: " + Variable + " is not set and no PostgreSQL binaries (initdb, pg_ctl) were found" + How;
        }

        if (Environment.UserName == "root" && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
        {
            return "PostgreSQL tests skipped: running as root without runuser, and PostgreSQL refuses to run as root" + How;
        }

        return null;
    }

    /// <summary>The directory holding initdb and pg_ctl, or null.</summary>
    private static string? FindBinaries()
    {
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (string version in Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal))
            {
                string bin = Path.Combine(version, "bin");
                if (File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                {
                    return bin;
                }
            }
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        return null;
    }

    /// <summary>A local port nobody listens on now.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a PostgreSQL program as the postgres user when we are root.</summary>
    private static void RunAsOwner(bool root, string program, params string[] arguments)
    {
        if (root)
        {
            Run("runuser", ["-u", "postgres", "--", program, .. arguments]);
        }
        else
        {
            Run(program, arguments);
        }
    }

    /// <summary>Runs a program to the end; throws with its output when it fails.</summary>
    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output.Result}{error.Result}");
        }
    }
}

/// <summary>The tests that share one PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "postgres";
}

/// <summary>
/// Marks a test class whose tests need PostgreSQL: its <see cref="StoreFactAttribute"/> and
/// <see cref="StoreTheoryAttribute"/> tests are reported as skipped, with
/// <see cref="PostgresServer.SkipReason"/>, when no server can be had.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute
{
}

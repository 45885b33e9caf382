using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace ActorPager.Durability.Tests;

/// <summary>
/// One run of ActorPager.CrashWorker: started with stdin, stdout and stderr redirected, read line
/// by line, killed with SIGKILL. Only lines ended by a newline count: a line the kill cut short is
/// dropped, never half parsed.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly StringBuilder _stderr = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly List<byte> _partial = [];
    private int _start;
    private int _end;
    private bool _eof;

    private WorkerProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.BaseStream;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
    }

    /// <summary>The worker's assembly, as the build embedded it.</summary>
    public static string AssemblyPath { get; } =
        typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "CrashWorker")?.Value
        ?? throw new InvalidOperationException("the test assembly does not name the crash worker (AssemblyMetadata \"CrashWorker\"); build Tests/Durability.Tests with dotnet build");

    /// <summary>What the worker wrote on stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the worker with <paramref name="arguments"/>.</summary>
    public static WorkerProcess Start(IEnumerable<string> arguments)
    {
        var path = AssemblyPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the crash worker is not built at {path}; run dotnet build ActorPager.sln");
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Quick start: the worker runs a second or so; tiered JIT's first tier is what it needs.
        start.Environment["DOTNET_TieredPGO"] = "0";
        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the crash worker"));
    }

    /// <summary>The next whole line, or null at end of output (the process is gone).</summary>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                _partial.AddRange(_buffer.AsSpan(_start, newline - _start));
                _start = newline + 1;
                var line = Encoding.ASCII.GetString([.. _partial]);
                _partial.Clear();
                return line;
            }

            _partial.AddRange(_buffer.AsSpan(_start, _end - _start));
            _start = _end = 0;
            if (_eof)
            {
                return null; // a line without its newline was cut by the kill: dropped
            }

            var read = await _stdout.ReadAsync(_buffer, ct).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
            }

            _end = read;
        }
    }

    /// <summary>SIGKILL (Process.Kill on Linux), then waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Exited already; the caller sees it in the exit code.
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Waits until the process has exited on its own.</summary>
    public Task WaitForExitAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}

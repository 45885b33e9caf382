using System.Diagnostics;
using System.Text;

namespace ActorPager.Testing;

/// <summary>
/// A real <c>actorpager</c> process (dotnet actorpager.dll ...), for shutdown, CLI, cluster and
/// crash tests and the cluster benchmark. One source file linked into each project that starts
/// the program (Host.Tests, Cluster.Tests, Bench); each references Host, so actorpager.dll is
/// beside it.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>How long a process may take to start or stop on a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        _process = process;
    }

    public Uri Address { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>The path of actorpager.dll beside the tests.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "actorpager.dll");

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited (137 after <see cref="KillAsync"/>: 128 + SIGKILL).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>actorpager serve --data DIR --listen 127.0.0.1:0</c> and waits for its "listening on" line.</summary>
    public static Task<ServerProcess> StartAsync(string dataDirectory, params string[] extra) =>
        StartServeAsync(["serve", "--data", dataDirectory, "--listen", "127.0.0.1:0", .. extra]);

    /// <summary>Starts <c>actorpager ARGS</c> (a serve command) and waits for its "listening on" line.</summary>
    public static async Task<ServerProcess> StartServeAsync(string[] args)
    {
        var info = Start(args);
        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (server._output)
            {
                server._output.AppendLine(e.Data);
            }

            // The program's own line, at the start: a cluster node's Akka log also says "Remoting
            // started; listening on addresses : [akka.tcp://...]", which is no HTTP address.
            const string Marker = "actorpager: listening on ";
            if (e.Data.StartsWith(Marker, StringComparison.Ordinal)
                && Uri.TryCreate(e.Data[Marker.Length..].Split(' ')[0], UriKind.Absolute, out var address))
            {
                server._listening.TrySetResult(address);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (server._error)
                {
                    server._error.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        Task first;
        try
        {
            // Wait for the server's own signal (its "listening on" line) or its exit, bounded.
            first = await Task.WhenAny(server._listening.Task, exited).WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            first = exited;
        }

        if (first != server._listening.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"actorpager serve did not report 'listening on' within {Patience} (exited: {process.HasExited}); stdout: {server.Output} stderr: {server.Error}");
        }

        server.Address = await server._listening.Task;
        return server;
    }

    /// <summary>Sends SIGTERM (what systemd and docker stop send) and waits for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        await SignalAsync("TERM");
        using var timeout = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits until the process exits by itself, or <paramref name="timeout"/> passes; true when it exited.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: the process dies at once, nothing flushed, nothing handed off.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process is frozen (as in a long GC pause or a VM stall) until <see cref="ContinueAsync"/>.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT: a paused process runs again.</summary>
    public Task ContinueAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Runs <c>actorpager ARGS</c> to completion with <paramref name="stdin"/>; returns the exit code, stdout and stderr.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string[] args, byte[]? stdin = null)
    {
        using var process = new Process { StartInfo = Start(args) };
        process.StartInfo.RedirectStandardInput = true;
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Kills the process if it still runs (a paused one too).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await ContinueAsync();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static ProcessStartInfo Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment.Remove("ACTORPAGER_SERVER");
        info.Environment.Remove("ACTORPAGER_TOKEN");
        return info;
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Modules.Pem;

/// <summary>
/// Runs the kernel half of the socket tracer: loads and attaches the BPF probes and drains the ring buffer on one
/// dedicated thread into the <see cref="SocketTracer.SocketTracer"/> (whose own flush service pushes the rows).
/// When eBPF is unavailable it says what is missing and how to fix it, and the rest of the PEM keeps running.
/// </summary>
public sealed partial class SocketTracerService(
    SocketTracer.SocketTracer tracer,
    IOptions<PemOptions> pemOptions,
    ILogger<SocketTracerService> logger) : BackgroundService, IStatusSource
{
    private const int PollTimeoutMs = 10;
    private volatile string _state = "starting";
    private volatile IReadOnlyList<string> _tlsLibraries = [];
    private SocketTraceProbe? _probe;

    public string Name => "socket_tracer";

    public object Snapshot()
    {
        var probe = _probe;
        ProbeStats? kernel = null;
        try
        {
            kernel = probe?.GetStats();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or EbpfUnavailableException)
        {
        }

        return new
        {
            state = _state,
            tls_libraries = _tlsLibraries,
            events = kernel?.Events ?? 0,
            drops = kernel?.Drops ?? 0,
            bytes_copied = kernel?.BytesCopied ?? 0,
            tracer = tracer.GetStats(),
        };
    }

    /// <summary>TLS plaintext probes on each libssl found; a library that refuses them is logged, tracing goes on without it.</summary>
    private void AttachTls(SocketTraceProbe probe, PemOptions pem)
    {
        var tls = new List<string>();
        foreach (var lib in TlsLibraryLocator.Find(pem.TlsLibraries))
        {
            try
            {
                if (probe.AttachTls(lib) > 0)
                {
                    tls.Add(lib);
                }
            }
            catch (EbpfUnavailableException ex)
            {
                LogTlsUnavailable(logger, lib, ex.Message);
            }
        }

        _tlsLibraries = tls;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken ct)
    {
        var pem = pemOptions.Value;
        if (!pem.EnableSocketTracer)
        {
            _state = "disabled (Pem:EnableSocketTracer=false)";
            LogDisabled(logger);
            return;
        }

        var problems = EbpfPreflight.Check();
        if (problems.Count > 0)
        {
            _state = "unavailable: " + string.Join("; ", problems);
            foreach (var p in problems)
            {
                LogUnavailable(logger, p.Problem, p.Fix);
            }

            return;
        }

        try
        {
            _probe = SocketTraceProbe.Open(new SocketTraceProbeOptions
            {
                AgentTgid = pem.TraceSelf ? 0 : (uint)Environment.ProcessId,
                MaxCopyBytes = pem.MaxCopyBytes,
                RingBufferBytes = (long)pem.RingBufferMb << 20,
            });
            _probe.Attach();
            AttachTls(_probe, pem);
        }
        catch (EbpfUnavailableException ex)
        {
            _state = "unavailable: " + ex.Message;
            LogUnavailable(logger, ex.Message, "see the message above");
            _probe?.Dispose();
            _probe = null;
            return;
        }

        _state = "running";
        LogRunning(logger, pem.RingBufferMb, pem.MaxCopyBytes, _tlsLibraries.Count == 0 ? "none" : string.Join(", ", _tlsLibraries));
        try
        {
            while (!ct.IsCancellationRequested)
            {
                _probe.Poll(PollTimeoutMs, tracer);
            }

            _state = "stopped";
        }
        catch (Exception ex) when (ex is EbpfUnavailableException or InvalidOperationException)
        {
            _state = "failed: " + ex.Message;
            LogFailed(logger, ex.Message);
        }
        finally
        {
            _probe.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "socket tracer disabled by configuration (Pem:EnableSocketTracer=false); /proc collectors keep running")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "socket tracer unavailable: {Problem}. Fix: {Fix}. The /proc collectors keep running; http_events and conn_stats stay empty.")]
    private static partial void LogUnavailable(ILogger logger, string problem, string fix);

    [LoggerMessage(Level = LogLevel.Information, Message = "socket tracer attached (ring {RingMb} MiB, up to {MaxCopy} bytes copied per syscall; TLS plaintext from {Tls})")]
    private static partial void LogRunning(ILogger logger, int ringMb, int maxCopy, string tls);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS plaintext capture unavailable for {Library}: {Reason}. Encrypted traffic through it is counted in conn_stats but not parsed.")]
    private static partial void LogTlsUnavailable(ILogger logger, string library, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "socket tracer stopped: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}

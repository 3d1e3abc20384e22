using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>
/// The kernel side of the socket tracer: loaded by <see cref="Open"/>, started by <see cref="Attach"/>, drained by
/// <see cref="Poll"/> from one reader thread. Events reach the sink in place in the mapped ring buffer (no copy);
/// they are valid only during the sink call.
/// </summary>
public sealed unsafe class SocketTraceProbe : IDisposable
{
    private readonly NativeMethods _native;
    private readonly PollState _state = new();
    private GCHandle _stateHandle;
    private nint _handle;

    private SocketTraceProbe(NativeMethods native, nint handle)
    {
        _native = native;
        _handle = handle;
        _stateHandle = GCHandle.Alloc(_state);
    }

    ~SocketTraceProbe() => Release();

    /// <summary>Loads the BPF program with <paramref name="options"/>; throws <see cref="EbpfUnavailableException"/> with a fix.</summary>
    public static SocketTraceProbe Open(SocketTraceProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var native = NativeMethods.Instance;
        CheckStructSizes(native);

        var config = new PxbpfConfig
        {
            AgentTgid = options.AgentTgid,
            MaxCopy = (uint)options.MaxCopyBytes,
            RingBytes = (ulong)options.RingBufferBytes,
            WakeBytes = (ulong)options.WakeupBytes,
            Flags = options.MountTracefs ? PxbpfConfig.MountTracefs : 0,
        };
        nint handle;
        int rc = native.Open(&config, &handle);
        if (rc < 0)
        {
            throw EbpfErrors.ToException("load", rc, native.LastError());
        }

        return new SocketTraceProbe(native, handle);
    }

    /// <summary>Starts capture: attaches the syscall tracepoint programs (mounting tracefs first if allowed and missing).</summary>
    public void Attach()
    {
        int rc = _native.Attach(Handle);
        if (rc < 0)
        {
            throw EbpfErrors.ToException("attach", rc, _native.LastError());
        }
    }

    /// <summary>
    /// Attaches the TLS plaintext uprobes (SSL_write, SSL_read, SSL_write_ex, SSL_read_ex) to the OpenSSL library
    /// file <paramref name="libsslPath"/>, for every process that maps it, now or later. Returns how many of the four
    /// functions the file has (0: not a libssl); throws when the kernel refuses the probes.
    /// </summary>
    public int AttachTls(string libsslPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(libsslPath);
        var path = System.Text.Encoding.UTF8.GetBytes(libsslPath + "\0");
        int rc;
        fixed (byte* p = path)
        {
            rc = _native.AttachSsl(Handle, p);
        }

        if (rc < 0)
        {
            throw EbpfErrors.ToException($"attach the TLS uprobes to {libsslPath}", rc, _native.LastError());
        }

        return rc;
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for the kernel to signal a full batch, then hands every pending
    /// record to <paramref name="sink"/> and calls <see cref="ISocketEventSink.OnBatchEnd"/>. Returns the records consumed.
    /// An exception thrown by the sink stops the batch and is rethrown here.
    /// </summary>
    public int Poll(int timeoutMs, ISocketEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _state.Sink = sink;
        int rc;
        try
        {
            rc = _native.Poll(Handle, timeoutMs, &OnRecord, (void*)GCHandle.ToIntPtr(_stateHandle));
        }
        finally
        {
            _state.Sink = null;
        }

        if (_state.Error is { } error)
        {
            _state.Error = null;
            ExceptionDispatchInfo.Throw(error);
        }

        if (rc < 0)
        {
            throw EbpfErrors.ToException("poll", rc, _native.LastError());
        }

        sink.OnBatchEnd();
        return rc;
    }

    /// <summary>Kernel counters: events emitted, drops (ring full), payload bytes copied.</summary>
    public ProbeStats GetStats()
    {
        PxbpfStats stats;
        int rc = _native.Stats(Handle, &stats);
        if (rc < 0)
        {
            throw EbpfErrors.ToException("read stats", rc, _native.LastError());
        }

        return new ProbeStats(stats.Events, stats.Drops, stats.BytesCopied);
    }

    /// <summary>Detaches the probes and frees the maps.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(SocketTraceProbe));

    private void Release()
    {
        nint handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0)
        {
            _native.Close(handle);
        }

        if (_stateHandle.IsAllocated)
        {
            _stateHandle.Free();
        }
    }

    private static void CheckStructSizes(NativeMethods native)
    {
        Check(native, PxbpfStruct.EventHeader, nameof(EventHeader), sizeof(EventHeader));
        Check(native, PxbpfStruct.ControlEvent, nameof(SocketControlEvent), sizeof(SocketControlEvent));
        Check(native, PxbpfStruct.DataEvent, nameof(SocketDataEvent), sizeof(SocketDataEvent));
        Check(native, PxbpfStruct.Stats, nameof(PxbpfStats), sizeof(PxbpfStats));
        Check(native, PxbpfStruct.Config, nameof(PxbpfConfig), sizeof(PxbpfConfig));
    }

    private static void Check(NativeMethods native, PxbpfStruct which, string name, int managedSize)
    {
        int nativeSize = native.StructSize((int)which);
        if (nativeSize != managedSize)
        {
            throw new EbpfUnavailableException(
                $"{native.Path} does not match this build: {name} is {nativeSize} bytes there and {managedSize} here. " +
                "Rebuild it with `make -C PixieHost.Ebpf.Native` from the same checkout.");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnRecord(void* ctx, void* data, nuint size)
    {
        var state = (PollState)GCHandle.FromIntPtr((nint)ctx).Target!;
        try
        {
            EventDispatcher.Dispatch(state.Sink!, data, size);
            return 0;
        }
        catch (Exception e)
        {
            // Exceptions must not cross into native code: stop the batch and rethrow from Poll.
            state.Error = e;
            return -1;
        }
    }

    private sealed class PollState
    {
        public ISocketEventSink? Sink;
        public Exception? Error;
    }
}

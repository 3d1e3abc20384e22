using System.Runtime.InteropServices;

namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>Mirror of <c>struct pxbpf_config</c> (shim/pxbpf.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PxbpfConfig
{
    public uint AgentTgid;
    public uint MaxCopy;
    public ulong RingBytes;
    public ulong WakeBytes;
    public uint Flags;
    public uint Reserved;

    /// <summary>PXBPF_F_MOUNT_TRACEFS: attach mounts tracefs when it is missing.</summary>
    public const uint MountTracefs = 1;
}

/// <summary>Mirror of <c>struct pxbpf_stats</c> (shim/pxbpf.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PxbpfStats
{
    public ulong Events;
    public ulong Drops;
    public ulong BytesCopied;
}

/// <summary>Index passed to <c>pxbpf_struct_size</c> (<c>enum pxbpf_struct</c>).</summary>
internal enum PxbpfStruct
{
    EventHeader = 0,
    ControlEvent = 1,
    DataEvent = 2,
    Stats = 3,
    Config = 4,
}

/// <summary>
/// The exports of libpxbpf.so as unmanaged function pointers. The library is loaded explicitly
/// (see <see cref="NativeLibraryLocator"/>) rather than through a DllImport resolver, so no assembly-wide
/// resolver is registered that could collide with another module's.
/// </summary>
internal sealed unsafe class NativeMethods
{
    // PublicationOnly: a failure is not cached, so building the library later in the same process works.
    private static readonly Lazy<NativeMethods> Loaded = new(Load, LazyThreadSafetyMode.PublicationOnly);

    private NativeMethods(nint library, string path)
    {
        Path = path;
        Open = (delegate* unmanaged[Cdecl]<PxbpfConfig*, nint*, int>)NativeLibrary.GetExport(library, "pxbpf_open");
        Attach = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(library, "pxbpf_attach");
        AttachSsl = (delegate* unmanaged[Cdecl]<nint, byte*, int>)NativeLibrary.GetExport(library, "pxbpf_attach_ssl");
        Poll = (delegate* unmanaged[Cdecl]<nint, int, delegate* unmanaged[Cdecl]<void*, void*, nuint, int>, void*, int>)
            NativeLibrary.GetExport(library, "pxbpf_poll");
        Stats = (delegate* unmanaged[Cdecl]<nint, PxbpfStats*, int>)NativeLibrary.GetExport(library, "pxbpf_stats");
        Close = (delegate* unmanaged[Cdecl]<nint, void>)NativeLibrary.GetExport(library, "pxbpf_close");
        StructSize = (delegate* unmanaged[Cdecl]<int, int>)NativeLibrary.GetExport(library, "pxbpf_struct_size");
        LastErrorFn = (delegate* unmanaged[Cdecl]<byte*, int, int>)NativeLibrary.GetExport(library, "pxbpf_last_error");
    }

    /// <summary>Full path of the loaded libpxbpf.so.</summary>
    public string Path { get; }

    public delegate* unmanaged[Cdecl]<PxbpfConfig*, nint*, int> Open { get; }

    public delegate* unmanaged[Cdecl]<nint, int> Attach { get; }

    public delegate* unmanaged[Cdecl]<nint, byte*, int> AttachSsl { get; }

    public delegate* unmanaged[Cdecl]<nint, int, delegate* unmanaged[Cdecl]<void*, void*, nuint, int>, void*, int> Poll { get; }

    public delegate* unmanaged[Cdecl]<nint, PxbpfStats*, int> Stats { get; }

    public delegate* unmanaged[Cdecl]<nint, void> Close { get; }

    public delegate* unmanaged[Cdecl]<int, int> StructSize { get; }

    private delegate* unmanaged[Cdecl]<byte*, int, int> LastErrorFn { get; }

    /// <summary>The loaded library; throws <see cref="EbpfUnavailableException"/> when it cannot be loaded.</summary>
    public static NativeMethods Instance => Loaded.Value;

    /// <summary>Tail of libbpf's last messages (for example the verifier's reason), or "".</summary>
    public string LastError()
    {
        var buffer = new byte[4096];
        fixed (byte* p = buffer)
        {
            int n = LastErrorFn(p, buffer.Length);
            return n > 0 ? System.Text.Encoding.UTF8.GetString(buffer, 0, n).Trim() : "";
        }
    }

    private static NativeMethods Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new EbpfUnavailableException("eBPF capture needs Linux; this is " + RuntimeInformation.OSDescription + ".");
        }

        if (!NativeLibrary.TryLoad(NativeLibraryLocator.LibbpfName, out _))
        {
            throw new EbpfUnavailableException(
                $"{NativeLibraryLocator.LibbpfName} is not installed. Install it with `apt-get install libbpf1`.");
        }

        string? path = NativeLibraryLocator.FindPxbpf();
        if (path is null)
        {
            throw new EbpfUnavailableException(
                $"{NativeLibraryLocator.PxbpfFile} was not found next to the application ({AppContext.BaseDirectory}) " +
                "nor in PixieHost.Ebpf.Native/out/. Build it with `make -C PixieHost.Ebpf.Native` (or the Cake build), " +
                $"or point {NativeLibraryLocator.PathVariable} at it.");
        }

        try
        {
            return new NativeMethods(NativeLibrary.Load(path), path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw new EbpfUnavailableException($"{path} could not be loaded: {e.Message}. Rebuild it with `make -C PixieHost.Ebpf.Native`.", e);
        }
    }
}

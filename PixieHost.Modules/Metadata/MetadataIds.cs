using System.Security.Cryptography;
using System.Text;

namespace PixieHost.Modules.Metadata;

/// <summary>Stable UUID-formatted ids for the host stand-ins of pods, services and the vizier.</summary>
public static class MetadataIds
{
    /// <summary>The first 128 bits of a 64-hex container id, formatted as a UUID (8-4-4-4-12).</summary>
    public static string FromContainerId(string containerId) =>
        containerId.Length < 32 ? FromName("container", containerId) : Format(containerId.AsSpan(0, 32));

    /// <summary>A UUID-formatted id from SHA-256 of "<paramref name="kind"/>:<paramref name="name"/>": the same name always gets the same id.</summary>
    public static string FromName(string kind, string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(kind + ":" + name), hash);
        return Format(Convert.ToHexStringLower(hash[..16]));
    }

    private static string Format(ReadOnlySpan<char> hex) =>
        $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
}

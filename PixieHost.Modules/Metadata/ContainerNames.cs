using System.Collections.Concurrent;
using System.Text.Json;

namespace PixieHost.Modules.Metadata;

/// <summary>
/// Container names from the runtimes' state on disk where it is readable (docker's config.v2.json, podman's
/// containers.json; both need root), else the 12-character short id. Cached per container id.
/// </summary>
public sealed class ContainerNames(string hostRoot = "/")
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public string NameOf(string containerId, ContainerRuntime runtime) =>
        containerId.Length == 0 ? string.Empty : _names.GetOrAdd(containerId, id => Read(id, runtime) ?? ShortId(id));

    public static string ShortId(string containerId) => containerId.Length > 12 ? containerId[..12] : containerId;

    private string? Read(string id, ContainerRuntime runtime) => runtime switch
    {
        ContainerRuntime.Docker => Docker(id),
        ContainerRuntime.Podman => Podman(id),
        _ => null,
    };

    private string? Docker(string id)
    {
        using var doc = Parse(Path.Combine(hostRoot, "var/lib/docker/containers", id, "config.v2.json"));
        return doc?.RootElement.TryGetProperty("Name", out var n) == true && n.GetString() is { Length: > 0 } name ? name.TrimStart('/') : null;
    }

    private string? Podman(string id)
    {
        using var doc = Parse(Path.Combine(hostRoot, "var/lib/containers/storage/overlay-containers/containers.json"));
        if (doc?.RootElement.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var c in doc.RootElement.EnumerateArray())
        {
            if (c.TryGetProperty("id", out var cid) && cid.GetString() == id && c.TryGetProperty("names", out var names)
                && names.ValueKind == JsonValueKind.Array && names.GetArrayLength() > 0)
            {
                return names[0].GetString();
            }
        }

        return null;
    }

    private static JsonDocument? Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}

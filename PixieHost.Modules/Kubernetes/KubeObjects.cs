using System.Text.Json.Serialization;

namespace PixieHost.Modules.Kubernetes;

/// <summary>A Kubernetes object: what the informer and the cache need of every kind.</summary>
public interface IKubeObject
{
    ObjectMeta Metadata { get; }
}

/// <summary>metadata of an object (the fields this project reads).</summary>
public sealed class ObjectMeta
{
    public string Name { get; set; } = string.Empty;

    [JsonPropertyName("namespace")]
    public string Namespace { get; set; } = string.Empty;

    public string Uid { get; set; } = string.Empty;

    public string ResourceVersion { get; set; } = string.Empty;

    public Dictionary<string, string>? Labels { get; set; }

    public List<OwnerReference>? OwnerReferences { get; set; }

    public DateTimeOffset? CreationTimestamp { get; set; }

    public DateTimeOffset? DeletionTimestamp { get; set; }

    /// <summary>The cache key: "namespace/name", or "name" for cluster-scoped objects.</summary>
    [JsonIgnore]
    public string Key => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}

/// <summary>An owner of an object (pod → replica set → deployment).</summary>
public sealed class OwnerReference
{
    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Uid { get; set; } = string.Empty;

    public bool? Controller { get; set; }
}

/// <summary>metadata of a list: its resource version and the continue token of the next page.</summary>
public sealed class ListMeta
{
    public string ResourceVersion { get; set; } = string.Empty;

    [JsonPropertyName("continue")]
    public string? Continue { get; set; }

    public long? RemainingItemCount { get; set; }
}

/// <summary>A list response (PodList, ServiceList, ...).</summary>
public sealed class KubeList<T>
{
    public string Kind { get; set; } = string.Empty;

    public ListMeta Metadata { get; set; } = new();

    public List<T> Items { get; set; } = [];
}

/// <summary>One line of a watch stream.</summary>
public sealed class WatchEvent<T>
{
    /// <summary>ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>The object; for ERROR a <see cref="KubeStatus"/>, kept raw until the type is known.</summary>
    public System.Text.Json.JsonElement Object { get; set; }
}

/// <summary>The Status object of failed calls and of watch ERROR events.</summary>
public sealed class KubeStatus
{
    public string Status { get; set; } = string.Empty;

    public string Message { get; set; } = string.Empty;

    public string Reason { get; set; } = string.Empty;

    public int Code { get; set; }
}

using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace PixieHost.Tests.Kubernetes;

/// <summary>
/// One resource collection of <see cref="FakeKubernetesApi"/> (e.g. /api/v1/pods): its objects, the history of
/// watch events by resource version, and the open watches. Resource versions come from the server-wide counter,
/// as etcd revisions do; history older than <see cref="CompactedRv"/> is gone (a watch from there gets 410).
/// </summary>
public sealed class FakeKubernetesResource(FakeKubernetesApi server, string path, string listKind)
{
    private readonly SortedDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly List<(long Rv, string Type, JsonObject Object)> _history = [];
    private readonly List<Watcher> _watches = [];

    public string Path { get; } = path;

    public string ListKind { get; } = listKind;

    /// <summary>Watches from a resource version below this are answered 410 Gone.</summary>
    public long CompactedRv { get; private set; }

    internal object Lock => _history;

    public int OpenWatches
    {
        get
        {
            lock (Lock)
            {
                return _watches.Count;
            }
        }
    }

    /// <summary>Stores a new object (ADDED) and returns its resource version.</summary>
    public long Add(JsonObject obj) => Write("ADDED", obj);

    /// <summary>Changes the stored object named <paramref name="key"/> ("ns/name") (MODIFIED).</summary>
    public long Modify(string key, Action<JsonObject> change)
    {
        JsonObject copy;
        lock (Lock)
        {
            copy = (JsonObject)_objects[key].DeepClone();
        }

        change(copy);
        return Write("MODIFIED", copy);
    }

    /// <summary>Deletes the object named <paramref name="key"/> (DELETED with its last state).</summary>
    public long Delete(string key)
    {
        JsonObject last;
        lock (Lock)
        {
            last = (JsonObject)_objects[key].DeepClone();
        }

        return Write("DELETED", last);
    }

    /// <summary>Sends a BOOKMARK carrying the server's current resource version to every open watch.</summary>
    public long Bookmark()
    {
        lock (Lock)
        {
            var rv = server.CurrentRv;
            var bookmark = new JsonObject
            {
                ["type"] = "BOOKMARK",
                ["object"] = new JsonObject { ["kind"] = ListKind[..^4], ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString() } },
            };
            Broadcast(bookmark.ToJsonString());
            return rv;
        }
    }

    /// <summary>Ends every open watch stream, as the API server does at timeoutSeconds or on restart.</summary>
    public void CloseWatches()
    {
        lock (Lock)
        {
            foreach (var w in _watches)
            {
                w.Live.Writer.TryComplete();
            }

            _watches.Clear();
        }
    }

    /// <summary>Forgets history up to the current version: older watches must relist (410).</summary>
    public void Compact()
    {
        lock (Lock)
        {
            CompactedRv = server.CurrentRv;
            _history.Clear();
        }
    }

    /// <summary>Sends an ERROR event with code 410 to every open watch (what the server does when a watcher falls behind compaction).</summary>
    public void ExpireWatches()
    {
        lock (Lock)
        {
            CompactedRv = server.CurrentRv;
            _history.Clear();
            Broadcast(GoneEvent(0).ToJsonString());
        }
    }

    internal static JsonObject GoneEvent(long rv) => new()
    {
        ["type"] = "ERROR",
        ["object"] = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = rv > 0 ? $"too old resource version: {rv} (compacted)" : "too old resource version",
            ["reason"] = "Expired",
            ["code"] = 410,
        },
    };

    /// <summary>The current objects matching <paramref name="filter"/>, ordered by key, and the version they are at.</summary>
    internal (List<JsonObject> Items, long Rv) Snapshot(Func<JsonObject, bool> filter)
    {
        lock (Lock)
        {
            return ([.. _objects.Values.Where(filter).Select(o => (JsonObject)o.DeepClone())], server.CurrentRv);
        }
    }

    /// <summary>
    /// Opens a watch from <paramref name="fromRv"/>: null when that version is compacted, else the events after
    /// it (as NDJSON lines) followed by a channel of the events to come.
    /// </summary>
    internal (List<string> Replay, Channel<string?> Live)? OpenWatch(long fromRv, Func<JsonObject, bool> filter)
    {
        lock (Lock)
        {
            if (fromRv < CompactedRv)
            {
                return null;
            }

            var replay = _history.Where(h => h.Rv > fromRv && filter(h.Object)).Select(h => Event(h.Type, h.Object)).ToList();
            var live = Channel.CreateUnbounded<string?>();
            _watches.Add(new Watcher(live, filter));
            return (replay, live);
        }
    }

    internal void CloseWatch(Channel<string?> live)
    {
        lock (Lock)
        {
            _watches.RemoveAll(w => w.Live == live);
        }
    }

    internal void Seed(JsonObject obj, long rv)
    {
        lock (Lock)
        {
            obj["metadata"]!["resourceVersion"] = rv.ToString();
            _objects[Key(obj)] = obj;
        }
    }

    public static string Key(JsonObject obj)
    {
        var meta = obj["metadata"]!;
        var ns = meta["namespace"]?.GetValue<string>() ?? string.Empty;
        var name = meta["name"]!.GetValue<string>();
        return ns.Length == 0 ? name : $"{ns}/{name}";
    }

    private long Write(string type, JsonObject obj)
    {
        lock (Lock)
        {
            var rv = server.NextRv();
            obj["metadata"]!["resourceVersion"] = rv.ToString();
            if (type == "DELETED")
            {
                _objects.Remove(Key(obj));
            }
            else
            {
                _objects[Key(obj)] = obj;
            }

            var stored = (JsonObject)obj.DeepClone();
            _history.Add((rv, type, stored));
            foreach (var w in _watches)
            {
                if (w.Filter(stored))
                {
                    w.Live.Writer.TryWrite(Event(type, stored));
                }
            }

            return rv;
        }
    }

    private void Broadcast(string line)
    {
        foreach (var w in _watches)
        {
            w.Live.Writer.TryWrite(line);
        }
    }

    private sealed record Watcher(Channel<string?> Live, Func<JsonObject, bool> Filter);

    private static string Event(string type, JsonObject obj) => new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString();
}

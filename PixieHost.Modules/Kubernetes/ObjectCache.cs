using System.Collections.Concurrent;

namespace PixieHost.Modules.Kubernetes;

/// <summary>What happened to one cached object.</summary>
public enum CacheChangeType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>One change of an <see cref="ObjectCache{T}"/>; <paramref name="Old"/> is null for adds, <paramref name="New"/> for deletes.</summary>
public readonly record struct CacheChange<T>(CacheChangeType Type, T? Old, T? New)
    where T : class, IKubeObject
{
    public T Object => New ?? Old!;
}

/// <summary>
/// The objects of one resource kind by "namespace/name", kept by an <see cref="Informer{T}"/>. Reads are
/// lock-free; writes come from the informer's single loop. <see cref="Changed"/> fires after each change, on the
/// informer's thread: handlers must be quick.
/// </summary>
public sealed class ObjectCache<T>
    where T : class, IKubeObject
{
    private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Raised after every add, modify and delete (including those a relist finds).</summary>
    public event Action<CacheChange<T>>? Changed;

    /// <summary>Increments on every change: a reader can tell whether anything moved since it last looked.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>True once the first list has been stored.</summary>
    public bool IsSynced { get; private set; }

    public int Count => _items.Count;

    /// <summary>A snapshot of the objects.</summary>
    public IReadOnlyList<T> Items => [.. _items.Values];

    public T? Get(string key) => _items.GetValueOrDefault(key);

    public T? Get(string ns, string name) => _items.GetValueOrDefault(ns.Length == 0 ? name : $"{ns}/{name}");

    /// <summary>Stores an added or modified object.</summary>
    public void Upsert(T obj)
    {
        var key = obj.Metadata.Key;
        var old = _items.GetValueOrDefault(key);
        _items[key] = obj;
        Raise(new CacheChange<T>(old is null ? CacheChangeType.Added : CacheChangeType.Modified, old, obj));
    }

    /// <summary>Removes a deleted object (the watch's last state of it).</summary>
    public void Remove(T obj)
    {
        if (_items.TryRemove(obj.Metadata.Key, out var old))
        {
            Raise(new CacheChange<T>(CacheChangeType.Deleted, old, null));
        }
    }

    /// <summary>
    /// Replaces the content with a fresh list: objects missing from it are deleted, new ones added, and those whose
    /// resource version moved are modified, each with its notification.
    /// </summary>
    public void Replace(IEnumerable<T> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var obj in items)
        {
            var key = obj.Metadata.Key;
            seen.Add(key);
            if (!_items.TryGetValue(key, out var old) || old.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
            {
                Upsert(obj);
            }
        }

        foreach (var (key, old) in _items)
        {
            if (!seen.Contains(key) && _items.TryRemove(key, out _))
            {
                Raise(new CacheChange<T>(CacheChangeType.Deleted, old, null));
            }
        }

        IsSynced = true;
        Interlocked.Increment(ref _version);
    }

    private void Raise(CacheChange<T> change)
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke(change);
    }
}

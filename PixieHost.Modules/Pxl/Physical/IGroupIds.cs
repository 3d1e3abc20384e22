using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Maps group-by keys to dense group ids 0..Count-1 for an aggregate.</summary>
internal interface IGroupIds
{
    int Count { get; }

    /// <summary>Group ids of the rows <paramref name="rows"/>[..n] (null: rows 0..n-1) into <paramref name="groupIds"/>[..n].</summary>
    void Assign(RowBatch batch, ReadOnlySpan<int> keyColumns, int[]? rows, int n, Span<int> groupIds);

    /// <summary>With no key columns: makes sure the single group exists even when no row arrived.</summary>
    void EnsureSingleGroup();

    /// <summary>The key columns, one value per group in group-id order.</summary>
    Column[] BuildKeys();
}

using System.ComponentModel.DataAnnotations;

namespace PixieHost.Modules.TableStore;

/// <summary>Memory budget of the in-memory table store (configuration section <c>TableStore</c>).</summary>
public sealed class TableStoreOptions
{
    public const string Section = "TableStore";

    /// <summary>Total bytes all tables may hold, in MiB. Pixie's default: 1280 (PL_TABLE_STORE_DATA_LIMIT_MB).</summary>
    [Range(1, 1 << 20)]
    public int DataLimitMb { get; set; } = 1280;

    /// <summary>Share of <see cref="DataLimitMb"/> reserved for http_events, in percent. Pixie's default: 40.</summary>
    [Range(1, 100)]
    public int HttpEventsPercent { get; set; } = 40;

    /// <summary>Bytes shared by the stirling_error and probe_status tables, in MiB. Pixie's default: 2.</summary>
    [Range(0, 1 << 20)]
    public int ErrorTablesMb { get; set; } = 2;

    /// <summary>Bytes for proc_exit_events, in MiB. Pixie's default: 10.</summary>
    [Range(0, 1 << 20)]
    public int ProcExitEventsMb { get; set; } = 10;
}

namespace PixieHost.Benchmarks.Pxl;

/// <summary>The three PxL scripts the issue benchmarks, as a user would write them.</summary>
public static class PxlQueries
{
    /// <summary>(a) filter + group by two string columns with count, mean and quantiles.</summary>
    public const string FilterGroupBy = """
        import px
        df = px.DataFrame(table='http_events')
        df = df[df.req_path != '/healthz']
        df = df.groupby(['req_method', 'req_path']).agg(
            count=('latency', px.count),
            mean=('latency', px.mean),
            quantiles=('latency', px.quantiles),
        )
        df.p99 = px.pluck_float64(df.quantiles, 'p99')
        px.display(df)
        """;

    /// <summary>(b) 10 s time bins per pod (upid; http_events has no service column) with count and p99.</summary>
    public const string TimeBins = """
        import px
        df = px.DataFrame(table='http_events')
        df.timestamp = px.bin(df.time_, px.seconds(10))
        df = df.groupby(['timestamp', 'upid']).agg(
            count=('latency', px.count),
            quantiles=('latency', px.quantiles),
        )
        df.p99 = px.pluck_float64(df.quantiles, 'p99')
        px.display(df)
        """;

    /// <summary>(c) an inner join of two 1M-row tables on a unique key, aggregated so every joined row is produced.</summary>
    public const string Join = """
        import px
        a = px.DataFrame(table='join_requests')
        b = px.DataFrame(table='join_owners')
        df = a.merge(b, how='inner', left_on='req_id', right_on='id', suffixes=['', '_r'])
        df = df.groupby('service').agg(count=('latency', px.count), mean=('latency', px.mean))
        px.display(df)
        """;
}

namespace PixieHost.Modules.Kubernetes;

/// <summary>
/// A bearer token: fixed (kubeconfig <c>token</c>) or read from a file that the kubelet rotates (the projected
/// service-account token is replaced about hourly). The file is re-read when its modification time changes,
/// checked at most once per <see cref="RecheckInterval"/>.
/// </summary>
public sealed class TokenSource
{
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);
    private readonly string? _fixed;
    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private string _token = string.Empty;
    private DateTime _mtime;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    private TokenSource(string? fixedToken, string? path, TimeProvider? time)
    {
        _fixed = fixedToken;
        _path = path;
        _time = time ?? TimeProvider.System;
    }

    public static TokenSource Fixed(string token) => new(token, null, null);

    public static TokenSource FromFile(string path, TimeProvider? time = null) => new(null, path, time);

    /// <summary>The token to send now, or "" when there is none.</summary>
    public string Current()
    {
        if (_path is null)
        {
            return _fixed ?? string.Empty;
        }

        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (now - _checkedAt < RecheckInterval && _token.Length > 0)
            {
                return _token;
            }

            _checkedAt = now;
            try
            {
                var mtime = File.GetLastWriteTimeUtc(_path);
                if (mtime != _mtime || _token.Length == 0)
                {
                    _token = File.ReadAllText(_path).Trim();
                    _mtime = mtime;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Mid-rotation the file can be briefly missing: keep the last token.
            }

            return _token;
        }
    }
}

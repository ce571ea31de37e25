using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Identity;

/// <summary>
/// Ends the long-lived requests (event streams, agent sockets) of a credential the moment it stops
/// being valid: an API key revoked through the admin API or with <c>keys revoke</c> beside the
/// running server, a user disabled or whose role or password changed. Requests are checked when
/// they start; streams would otherwise go on for as long as they are open. The check reads the
/// database, so it also sees what another process (or node) did; a change made here is checked at
/// once, any other within <see cref="AccountOptions.RevocationCheckSeconds"/>.
/// </summary>
public sealed partial class CredentialWatch : BackgroundService
{
    private readonly ApiKeyStore _keys;
    private readonly UserStore _users;
    private readonly IOptions<AccountOptions> _options;
    private readonly ILogger<CredentialWatch> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<Credential, Watched> _watched = [];
    private readonly SemaphoreSlim _soon = new(0, 1);
    private (long Count, long Latest) _mark = (-1, -1);

    /// <summary>Creates the watch; changes this process makes to keys and accounts are checked at once.</summary>
    public CredentialWatch(ApiKeyStore keys, UserStore users, IOptions<AccountOptions> options, ILogger<CredentialWatch> logger)
    {
        _keys = keys;
        _users = users;
        _options = options;
        _logger = logger;
        keys.Revoked += CheckSoon;
        users.Changed += _ => CheckSoon();
    }

    /// <summary>Credentials with at least one open watched request (for metrics).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _watched.Count;
            }
        }
    }

    /// <summary>
    /// Watches the credential of <paramref name="user"/>: <paramref name="revoked"/> fires when it
    /// is no longer valid. Dispose the result when the request ends. Null for an anonymous request.
    /// </summary>
    public IDisposable? Watch(ClaimsPrincipal user, out CancellationToken revoked)
    {
        revoked = CancellationToken.None;
        if (Credential.Of(user) is not { } credential)
        {
            return null;
        }

        lock (_gate)
        {
            if (!_watched.TryGetValue(credential, out var watched))
            {
                watched = new Watched();
                _watched[credential] = watched;
            }

            watched.Requests++;
            revoked = watched.Revoked.Token;
            return new Lease(this, credential, watched);
        }
    }

    /// <summary>Checks every watched credential soon (a credential was just changed in this process).</summary>
    public void CheckSoon()
    {
        if (_soon.CurrentCount == 0)
        {
            try
            {
                _soon.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already due.
            }
        }
    }

    /// <summary>Checks every watched credential now and ends the requests of those no longer valid; returns how many were ended.</summary>
    public async Task<int> CheckNowAsync(CancellationToken cancellationToken)
    {
        var mark = await _keys.RevocationMarkAsync(cancellationToken).ConfigureAwait(false);
        if (mark != _mark)
        {
            // A key was revoked somewhere: no request may go on with it on the strength of the cache.
            _keys.ForgetVerified();
            _mark = mark;
        }

        List<(Credential Credential, Watched Watched)> watched;
        lock (_gate)
        {
            watched = [.. _watched.Select(p => (p.Key, p.Value))];
        }

        if (watched.Count == 0)
        {
            return 0;
        }

        var keyIds = watched.Where(w => w.Credential.Kind == CredentialKind.Key).Select(w => w.Credential.Id).Distinct().ToList();
        var userIds = watched.Where(w => w.Credential.Kind == CredentialKind.User).Select(w => w.Credential.Id).Distinct().ToList();
        var revokedKeys = keyIds.Count > 0 ? await _keys.RevokedAmongAsync(keyIds, cancellationToken).ConfigureAwait(false) : new HashSet<string>();
        if (revokedKeys.Count > 0)
        {
            // Revoked after the mark was read: the cache must not outlive the streams it ends.
            _keys.ForgetVerified();
        }

        var stamps = userIds.Count > 0 ? await _users.ActiveStampsAsync(userIds, cancellationToken).ConfigureAwait(false) : new Dictionary<string, string>();
        var ended = 0;
        foreach (var (credential, entry) in watched)
        {
            var valid = credential.Kind == CredentialKind.Key
                ? !revokedKeys.Contains(credential.Id)
                : stamps.TryGetValue(credential.Id, out var stamp) && stamp == credential.Stamp;
            if (valid)
            {
                continue;
            }

            if (credential.Kind == CredentialKind.User)
            {
                _users.Forget(credential.Id);
            }

            lock (_gate)
            {
                if (_watched.TryGetValue(credential, out var current) && current == entry)
                {
                    _watched.Remove(credential);
                }
            }

            ended += entry.Requests;
            LogEnded(credential.Kind == CredentialKind.Key ? "API key" : "user", credential.Id, entry.Requests);
            entry.Revoked.Cancel();
        }

        return ended;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(_options.Value.RevocationCheckSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Operations.BackgroundPass.RunOnceAsync(_logger, "the credential watch", CheckNowAsync, stoppingToken);
                await _soon.WaitAsync(interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _soon.Dispose();
    }

    private void Release(Credential credential, Watched watched)
    {
        lock (_gate)
        {
            if (--watched.Requests == 0 && _watched.TryGetValue(credential, out var current) && current == watched)
            {
                _watched.Remove(credential);
                watched.Revoked.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 5021, Level = LogLevel.Information, Message = "Ended {Requests} open stream(s) of {Kind} {Id}: it is no longer valid")]
    private partial void LogEnded(string kind, string id, int requests);

    private enum CredentialKind
    {
        Key,
        User,
    }

    /// <summary>What a request was authenticated with: an API key by id, or a user by id and security stamp.</summary>
    private readonly record struct Credential(CredentialKind Kind, string Id, string Stamp)
    {
        public static Credential? Of(ClaimsPrincipal user)
        {
            var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
            return user.Identity?.AuthenticationType switch
            {
                ApiKeyAuthenticationHandler.SchemeName when id is not null && id.StartsWith("key:", StringComparison.Ordinal) => new Credential(CredentialKind.Key, id[4..], ""),
                SessionDefaults.Scheme when id is not null => new Credential(CredentialKind.User, id, user.FindFirstValue(SessionDefaults.StampClaim) ?? ""),
                _ => null,
            };
        }
    }

    private sealed class Watched
    {
        public CancellationTokenSource Revoked { get; } = new();

        public int Requests { get; set; }
    }

    private sealed class Lease(CredentialWatch watch, Credential credential, Watched watched) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                watch.Release(credential, watched);
            }
        }
    }
}

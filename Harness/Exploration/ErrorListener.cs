using ActorPager.Actors;
using Akka.Actor;
using Akka.Event;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// Subscribed to a system's <see cref="Error"/> events, it keeps the first one logged during a
/// run. It is a minimal actor ref, not an actor: the event stream tells it synchronously, inside
/// the step whose actor logged the error (an actor's failure is logged by its supervisor when the
/// strategy delivers the failure to it), so the explorer sees the error at the step that caused it.
/// </summary>
internal sealed class ErrorListener(IActorRefProvider provider) : MinimalActorRef
{
    private Error? _first;
    private bool _listening;

    /// <inheritdoc />
    public override ActorPath Path { get; } = provider.TempContainer.Path / "explorer-errors";

    /// <inheritdoc />
    public override IActorRefProvider Provider { get; } = provider;

    /// <summary>The first error of the current run, or null.</summary>
    public Error? First => Volatile.Read(ref _first);

    /// <summary>Starts a run: no error seen yet.</summary>
    public void Begin()
    {
        Volatile.Write(ref _first, null);
        Volatile.Write(ref _listening, true);
    }

    /// <summary>Ends a run: errors logged while its actors stop are not part of it.</summary>
    public void End() => Volatile.Write(ref _listening, false);

    /// <summary>The rule an error's cause carries (<see cref="ProtocolViolationException.Rule"/>), or 0.</summary>
    public static int RuleOf(Error error) => ProtocolViolationException.Find(error.Cause)?.Rule ?? 0;

    /// <summary>What failed, in words: the source and the cause's message (or the logged message).</summary>
    public static string Describe(Error error) => $"{error.LogSource}: {error.Cause?.Message ?? error.Message}";

    /// <inheritdoc />
    protected override void TellInternal(object message, IActorRef sender)
    {
        // Errors can be published from Akka's own threads too; only the first of a run counts.
        if (message is Error error && Volatile.Read(ref _listening))
        {
            Interlocked.CompareExchange(ref _first, error, null);
        }
    }
}

using System.Text;

namespace ActorPager.Harness.Dispatch;

/// <summary>What a deterministic step delivered.</summary>
public enum DeliveryKind
{
    /// <summary>A user message to an actor.</summary>
    User,

    /// <summary>A system message (create, stop, watch, supervision) to an actor.</summary>
    System,

    /// <summary>An external event, such as a store I/O completion.</summary>
    External,

    /// <summary>Virtual time advanced and timers fired (not a choice of the strategy).</summary>
    Timer,
}

/// <summary>One step of a deterministic run.</summary>
/// <param name="Step">The step number, from 0.</param>
/// <param name="Kind">What kind of delivery.</param>
/// <param name="Recipient">The recipient's path (or the external event's id; for a timer, the virtual time).</param>
/// <param name="Sender">The sender's path, if any.</param>
/// <param name="Message">The message's type name (or the system message's name, or the event's description).</param>
public readonly record struct Delivery(long Step, DeliveryKind Kind, string Recipient, string? Sender, string Message)
{
    /// <inheritdoc />
    public override string ToString() =>
        Kind switch
        {
            DeliveryKind.Timer => $"{Step,6} timer   {Recipient} {Message}",
            DeliveryKind.External => Message == Recipient ? $"{Step,6} event   {Recipient}" : $"{Step,6} event   {Recipient} {Message}",
            _ => $"{Step,6} {(Kind == DeliveryKind.System ? "system" : "user  ")}  {Sender ?? "-"} -> {Recipient}: {Message}",
        };
}

/// <summary>
/// The deliveries of a deterministic run, in order, and a hash of them. Two runs with the same
/// seed and code have equal hashes; <see cref="ReplayStrategy"/> reproduces a run from its trace.
/// </summary>
public sealed class DeliveryTrace
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private readonly List<Delivery> _deliveries = [];
    private int _limit;
    private ulong _hash = FnvOffset;

    /// <summary>Creates an empty trace that keeps at most <paramref name="limit"/> deliveries (the hash covers all).</summary>
    public DeliveryTrace(int limit = 1_000_000) => _limit = limit;

    /// <summary>The deliveries kept, in order.</summary>
    public IReadOnlyList<Delivery> Deliveries => _deliveries;

    /// <summary>How many deliveries were recorded (including any beyond the kept limit).</summary>
    public long Count { get; private set; }

    /// <summary>
    /// FNV-1a hash over every delivery's kind, recipient, sender and message. A sender outside
    /// the run (not an actor of the run, nor a harness ask) counts as "outside", whatever its name.
    /// </summary>
    public ulong Hash => _hash;

    /// <summary>Empties the trace for the next run, keeping its storage.</summary>
    internal void Clear(int limit)
    {
        _deliveries.Clear();
        _limit = limit;
        _hash = FnvOffset;
        Count = 0;
    }

    internal void Add(in Delivery delivery, bool senderInRun = true)
    {
        Count++;
        Mix((byte)delivery.Kind);
        Mix(delivery.Recipient);
        Mix(senderInRun ? delivery.Sender ?? "" : "(outside)");
        Mix(delivery.Message);
        if (_deliveries.Count < _limit)
        {
            _deliveries.Add(delivery);
        }
    }

    private void Mix(string text)
    {
        foreach (var c in text)
        {
            Mix((byte)c);
            Mix((byte)(c >> 8));
        }

        Mix(0xff);
    }

    private void Mix(byte b) => _hash = unchecked((_hash ^ b) * FnvPrime);

    /// <summary>The trace as text, one delivery per line.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("trace: ").Append(Count).Append(" deliveries, hash ").Append(_hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)).AppendLine();
        foreach (var d in _deliveries)
        {
            sb.AppendLine(d.ToString());
        }

        return sb.ToString();
    }
}

/// <summary>
/// A source of events outside the actors (for example a simulated store's pending I/O
/// completions) whose order the deterministic dispatcher decides. Each pending event is a
/// candidate at every step, next to the runnable actors.
/// </summary>
public interface IExternalEventSource
{
    /// <summary>How many events are pending now.</summary>
    int PendingCount { get; }

    /// <summary>A stable description of pending event <paramref name="index"/>, used as its candidate id and in the trace.</summary>
    string Describe(int index);

    /// <summary>Makes pending event <paramref name="index"/> happen (on the dispatcher's thread).</summary>
    void Run(int index);
}

namespace ActorPager.Actors;

/// <summary>
/// A pager actor found a rule of the pager protocol (spec/pager-protocol.md) broken by a message it
/// was sent: a pager's answer, a completion, or its own state after applying them. The actor fails
/// with it, so Akka's supervision and logging see it; tools read <see cref="Rule"/> from the
/// exception (the harness from the cause of Akka's <c>Error</c> log event) rather than from its text.
/// </summary>
/// <remarks>
/// It derives from <see cref="InvalidOperationException"/>, which the actors threw for these cases
/// before the rule became a property, so a handler or supervisor decider written for that type still
/// matches.
/// </remarks>
public sealed class ProtocolViolationException : InvalidOperationException
{
    /// <summary>Creates the exception for a broken <paramref name="rule"/>.</summary>
    /// <param name="rule">The rule's number in spec/pager-protocol.md.</param>
    /// <param name="description">What was seen, and where; the message adds "(rule N)".</param>
    public ProtocolViolationException(int rule, string description)
        : base($"{description} (rule {rule})")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rule);
        Rule = rule;
    }

    /// <summary>Creates the exception for a broken <paramref name="rule"/>, caused by <paramref name="innerException"/>.</summary>
    /// <param name="rule">The rule's number in spec/pager-protocol.md.</param>
    /// <param name="description">What was seen, and where; the message adds "(rule N)".</param>
    /// <param name="innerException">The failure that exposed the violation.</param>
    public ProtocolViolationException(int rule, string description, Exception innerException)
        : base($"{description} (rule {rule})", innerException)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rule);
        Rule = rule;
    }

    /// <summary>The rule's number in spec/pager-protocol.md.</summary>
    public int Rule { get; }

    /// <summary>
    /// The first <see cref="ProtocolViolationException"/> in <paramref name="error"/> or its inner
    /// exceptions (Akka wraps a failure in PreStart or a restart in its own exception types), or null.
    /// </summary>
    /// <param name="error">An actor's failure, as Akka reports it; may be null.</param>
    public static ProtocolViolationException? Find(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is ProtocolViolationException violation)
            {
                return violation;
            }
        }

        return null;
    }
}

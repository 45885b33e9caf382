using ActorPager.Runtime;

namespace ActorPager.TestKit;

/// <summary>The default probe's expectations, forwarded so a test reads like Akka.NET's.</summary>
public partial class TestKit
{
    /// <summary>The sender of the message the default probe read last.</summary>
    public IActorRef LastSender => _testActor.LastSender;

    /// <summary>The message the default probe read last.</summary>
    public object? LastMessage => _testActor.LastMessage;

    /// <summary>True when messages wait in the default probe.</summary>
    public bool HasMessages => _testActor.HasMessages;

    /// <inheritdoc cref="TestProbe.Remaining"/>
    public TimeSpan Remaining => _testActor.Remaining;

    /// <inheritdoc cref="TestProbe.RemainingOrDefault"/>
    public TimeSpan RemainingOrDefault => _testActor.RemainingOrDefault;

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with <see cref="TestActor"/> as the sender.</summary>
    public void Send(IActorRef target, object message) => _testActor.Send(target, message);

    /// <inheritdoc cref="TestProbe.Reply"/>
    public void Reply(object message) => _testActor.Reply(message);

    /// <inheritdoc cref="TestProbe.Forward(IActorRef)"/>
    public void Forward(IActorRef target) => _testActor.Forward(target);

    /// <inheritdoc cref="TestProbe.IgnoreMessages(Func{object, bool})"/>
    public void IgnoreMessages(Func<object, bool> shouldIgnore) => _testActor.IgnoreMessages(shouldIgnore);

    /// <inheritdoc cref="TestProbe.IgnoreMessages{T}(Func{T, bool})"/>
    public void IgnoreMessages<T>(Func<T, bool>? shouldIgnore = null) => _testActor.IgnoreMessages(shouldIgnore);

    /// <inheritdoc cref="TestProbe.IgnoreNoMessages"/>
    public void IgnoreNoMessages() => _testActor.IgnoreNoMessages();

    /// <inheritdoc cref="TestProbe.ExpectMsg{T}(TimeSpan?, string?)"/>
    public T ExpectMsg<T>(TimeSpan? duration = null, string? hint = null) => _testActor.ExpectMsg<T>(duration, hint);

    /// <inheritdoc cref="TestProbe.ExpectMsg{T}(T, TimeSpan?, string?)"/>
    public T ExpectMsg<T>(T message, TimeSpan? duration = null, string? hint = null) => _testActor.ExpectMsg(message, duration, hint);

    /// <inheritdoc cref="TestProbe.ExpectMsg{T}(Predicate{T}, TimeSpan?, string?)"/>
    public T ExpectMsg<T>(Predicate<T> isMessage, TimeSpan? duration = null, string? hint = null) => _testActor.ExpectMsg(isMessage, duration, hint);

    /// <inheritdoc cref="TestProbe.ExpectMsgFrom{T}(IActorRef, TimeSpan?, string?)"/>
    public T ExpectMsgFrom<T>(IActorRef sender, TimeSpan? duration = null, string? hint = null) => _testActor.ExpectMsgFrom<T>(sender, duration, hint);

    /// <inheritdoc cref="TestProbe.ExpectMsgFrom{T}(IActorRef, Predicate{T}, TimeSpan?, string?)"/>
    public T ExpectMsgFrom<T>(IActorRef sender, Predicate<T> isMessage, TimeSpan? duration = null, string? hint = null) => _testActor.ExpectMsgFrom(sender, isMessage, duration, hint);

    /// <inheritdoc cref="TestProbe.ExpectTerminated"/>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? duration = null, string? hint = null) => _testActor.ExpectTerminated(target, duration, hint);

    /// <inheritdoc cref="TestProbe.ExpectNoMsg"/>
    public void ExpectNoMsg(TimeSpan? duration = null, string? hint = null) => _testActor.ExpectNoMsg(duration, hint);

    /// <inheritdoc cref="TestProbe.ExpectMsgAllOf{T}(T[])"/>
    public IReadOnlyList<T> ExpectMsgAllOf<T>(params T[] messages) => _testActor.ExpectMsgAllOf(messages);

    /// <inheritdoc cref="TestProbe.ExpectMsgAllOf{T}(TimeSpan, T[])"/>
    public IReadOnlyList<T> ExpectMsgAllOf<T>(TimeSpan max, params T[] messages) => _testActor.ExpectMsgAllOf(max, messages);

    /// <inheritdoc cref="TestProbe.ExpectMsgAnyOf{T}(T[])"/>
    public T ExpectMsgAnyOf<T>(params T[] messages) => _testActor.ExpectMsgAnyOf(messages);

    /// <inheritdoc cref="TestProbe.ReceiveOne"/>
    public object? ReceiveOne(TimeSpan? max = null) => _testActor.ReceiveOne(max);

    /// <inheritdoc cref="TestProbe.ReceiveN"/>
    public IReadOnlyList<object> ReceiveN(int n, TimeSpan? max = null) => _testActor.ReceiveN(n, max);

    /// <inheritdoc cref="TestProbe.FishForMessage(Predicate{object}, TimeSpan?, string?)"/>
    public object FishForMessage(Predicate<object> isMessage, TimeSpan? max = null, string? hint = null) => _testActor.FishForMessage(isMessage, max, hint);

    /// <inheritdoc cref="TestProbe.FishForMessage{T}(Predicate{T}, TimeSpan?, string?)"/>
    public T FishForMessage<T>(Predicate<T> isMessage, TimeSpan? max = null, string? hint = null) => _testActor.FishForMessage(isMessage, max, hint);

    /// <inheritdoc cref="TestProbe.Within(TimeSpan, Action)"/>
    public void Within(TimeSpan max, Action action) => _testActor.Within(max, action);

    /// <inheritdoc cref="TestProbe.Within(TimeSpan, TimeSpan, Action, string?)"/>
    public void Within(TimeSpan min, TimeSpan max, Action action, string? hint = null) => _testActor.Within(min, max, action, hint);

    /// <inheritdoc cref="TestProbe.Within{T}(TimeSpan, Func{T})"/>
    public T Within<T>(TimeSpan max, Func<T> function) => _testActor.Within(max, function);

    /// <inheritdoc cref="TestProbe.Within{T}(TimeSpan, TimeSpan, Func{T}, string?)"/>
    public T Within<T>(TimeSpan min, TimeSpan max, Func<T> function, string? hint = null) => _testActor.Within(min, max, function, hint);

    /// <inheritdoc cref="TestProbe.AwaitCondition"/>
    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null) =>
        _testActor.AwaitCondition(condition, max, interval, message);

    /// <inheritdoc cref="TestProbe.AwaitAssert"/>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null) =>
        _testActor.AwaitAssert(assertion, duration, interval);
}

using System.Text;

namespace ActorPager.Runtime;

/// <summary>
/// The position of an actor in its system's hierarchy: <c>actorpager://SYSTEM/user/parent/child</c>.
/// Paths are cheap to keep: each holds its name and its parent.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private string? _text;

    private ActorPath(ActorPath? parent, string name)
    {
        Parent = parent;
        Name = name;
        Depth = parent is null ? 0 : parent.Depth + 1;
    }

    /// <summary>The last element: the actor's name (for the root, the system name).</summary>
    public string Name { get; }

    /// <summary>The parent path, or null for the root.</summary>
    public ActorPath? Parent { get; }

    /// <summary>Number of elements below the root.</summary>
    public int Depth { get; }

    /// <summary>Makes the root path of a system.</summary>
    public static ActorPath Root(string systemName) => new(null, systemName);

    /// <summary>The path of a child called <paramref name="name"/>.</summary>
    public ActorPath Child(string name) => new(this, name);

    /// <summary>The elements below the root, outermost first (<c>user</c>, <c>parent</c>, <c>child</c>).</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var elements = new string[Depth];
            for (var p = this; p.Parent is not null; p = p.Parent)
            {
                elements[p.Depth - 1] = p.Name;
            }

            return elements;
        }
    }

    /// <inheritdoc />
    public bool Equals(ActorPath? other) =>
        other is not null && (ReferenceEquals(this, other) || string.Equals(ToString(), other.ToString(), StringComparison.Ordinal));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>The path without the scheme and system: <c>/user/parent/child</c>.</summary>
    public string ToStringWithoutAddress()
    {
        if (Parent is null)
        {
            return "/";
        }

        var sb = new StringBuilder();
        foreach (var element in Elements)
        {
            sb.Append('/').Append(element);
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() =>
        _text ??= Parent is null ? "actorpager://" + Name : Root().ToString() + ToStringWithoutAddress();

    private ActorPath Root()
    {
        var p = this;
        while (p.Parent is not null)
        {
            p = p.Parent;
        }

        return p;
    }
}

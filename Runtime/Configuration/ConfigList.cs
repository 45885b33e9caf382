using System.Collections;

namespace ActorPager.Runtime.Configuration;

/// <summary>A list value (an array in HOCON and JSON).</summary>
public sealed class ConfigList : ConfigValue, IReadOnlyList<ConfigValue>
{
    /// <summary>The elements.</summary>
    private readonly List<ConfigValue> _items;

    /// <summary>How many elements are unresolved.</summary>
    private int _unresolved;

    /// <summary>1 + the deepest element's depth.</summary>
    private int _depth = 1;

    internal ConfigList(ConfigOrigin origin)
        : base(origin)
    {
        _items = [];
    }

    internal ConfigList(ConfigOrigin origin, int capacity)
        : base(origin)
    {
        _items = new List<ConfigValue>(capacity);
    }

    /// <inheritdoc/>
    public override ConfigValueType ValueType => ConfigValueType.List;

    /// <inheritdoc/>
    public override object? Unwrapped
    {
        get
        {
            var result = new List<object?>(_items.Count);
            foreach (var item in _items)
            {
                result.Add(item.Unwrapped);
            }

            return result;
        }
    }

    /// <summary>The number of elements.</summary>
    public int Count => _items.Count;

    internal override bool IsResolved => _unresolved == 0;

    internal override int Depth => _depth;

    /// <summary>The element at <paramref name="index"/>.</summary>
    /// <param name="index">0-based position.</param>
    public ConfigValue this[int index] => _items[index];

    /// <summary>Enumerates the elements in order.</summary>
    public IEnumerator<ConfigValue> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Appends an element. Only the code building this list calls it.</summary>
    internal void Add(ConfigValue value)
    {
        _items.Add(value);
        if (!value.IsResolved)
        {
            _unresolved++;
        }

        if (value.Depth + 1 > _depth)
        {
            _depth = value.Depth + 1;
            if (_depth > MaxDepth)
            {
                throw HoconException.At(value.Origin, null, $"values nest deeper than {MaxDepth} levels of objects and lists");
            }
        }
    }

    /// <summary>Recomputes the resolved flag and depth (see <see cref="ConfigObject.Reseal"/>).</summary>
    internal override void Reseal()
    {
        ConfigEquality.EnsureStack();
        _unresolved = 0;
        _depth = 1;
        foreach (var value in _items)
        {
            value.Reseal();

            if (!value.IsResolved)
            {
                _unresolved++;
            }

            _depth = Math.Max(_depth, value.Depth + 1);
        }
    }
}

using System.Runtime.CompilerServices;

namespace ActorPager.Runtime.Configuration;

/// <summary>Structural equality of resolved values, and the stack guard every recursive walk uses.</summary>
internal static class ConfigEquality
{
    /// <summary>Throws a <see cref="HoconException"/> instead of letting a deep recursion overflow the stack.</summary>
    public static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new HoconException("the configuration nests too deeply to process");
        }
    }

    /// <summary>Same type and contents; numbers by value; object keys in any order.</summary>
    public static bool AreEqual(ConfigValue a, ConfigValue b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        EnsureStack();
        switch (a)
        {
            case ConfigObject oa when b is ConfigObject ob:
                if (oa.Count != ob.Count)
                {
                    return false;
                }

                foreach (var (key, value) in oa)
                {
                    if (!ob.TryGetValue(key, out var other) || !AreEqual(value, other))
                    {
                        return false;
                    }
                }

                return true;
            case ConfigList la when b is ConfigList lb:
                if (la.Count != lb.Count)
                {
                    return false;
                }

                for (var i = 0; i < la.Count; i++)
                {
                    if (!AreEqual(la[i], lb[i]))
                    {
                        return false;
                    }
                }

                return true;
            case ConfigString sa when b is ConfigString sb:
                return string.Equals(sa.Value, sb.Value, StringComparison.Ordinal);
            case ConfigNumber na when b is ConfigNumber nb:
                return na.IsIntegral && nb.IsIntegral ? na.Long == nb.Long : na.Double.Equals(nb.Double);
            case ConfigBoolean ba when b is ConfigBoolean bb:
                return ba.Value == bb.Value;
            case ConfigNull when b is ConfigNull:
                return true;
            default:
                return false;
        }
    }

    /// <summary>A hash consistent with <see cref="AreEqual"/>.</summary>
    public static int Hash(ConfigValue value)
    {
        EnsureStack();
        switch (value)
        {
            case ConfigObject o:
                var objectHash = 17;
                foreach (var (key, child) in o)
                {
                    // Order-independent: keys may come in any order.
                    objectHash += StringComparer.Ordinal.GetHashCode(key) ^ Hash(child);
                }

                return objectHash;
            case ConfigList l:
                var listHash = new HashCode();
                foreach (var child in l)
                {
                    listHash.Add(Hash(child));
                }

                return listHash.ToHashCode();
            case ConfigString s:
                return StringComparer.Ordinal.GetHashCode(s.Value);
            case ConfigNumber n:
                return n.Double.GetHashCode();
            case ConfigBoolean b:
                return b.Value ? 1 : 2;
            case ConfigNull:
                return 3;
            default:
                return RuntimeHelpers.GetHashCode(value);
        }
    }
}

namespace ActorPager.Runtime.Configuration;

/// <summary>The JSON type of a resolved configuration value.</summary>
public enum ConfigValueType
{
    /// <summary>An object: keys mapped to values.</summary>
    Object,

    /// <summary>A list (HOCON calls it an array).</summary>
    List,

    /// <summary>A string, quoted or not.</summary>
    String,

    /// <summary>A number, integral or floating point.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>null</c>.</summary>
    Null,
}

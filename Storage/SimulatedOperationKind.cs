namespace ActorPager.Storage;

/// <summary>Which store call a <see cref="SimulatedOperation"/> stands for.</summary>
public enum SimulatedOperationKind
{
    /// <summary><see cref="IPageStore.ReadAsync"/>.</summary>
    Read,

    /// <summary><see cref="IPageStore.WriteAsync"/>.</summary>
    Write,

    /// <summary><see cref="IPageStore.GetSizeAsync"/>.</summary>
    GetSize,

    /// <summary><see cref="IPageStore.SetSizeAsync"/>.</summary>
    SetSize,

    /// <summary><see cref="IPageStore.FlushAsync"/>.</summary>
    Flush,

    /// <summary><see cref="IFencedPageStore.FenceAsync"/>.</summary>
    Fence,

    /// <summary><see cref="IFencedPageStore.GetFenceAsync"/>.</summary>
    GetFence,
}

namespace Truceline.Transparency;

/// <summary>
/// The hashes of every complete perfect subtree, kept in memory level by level: level 0 holds the leaf hashes and
/// level l the hash of each complete run of 2^l leaves. Appending a leaf completes at most one subtree per level, as
/// adding one to a binary counter carries, so an append costs O(1) amortised and O(log n) at worst. This is the layout
/// a database-backed store keeps (a nodes table keyed by level and index); <see cref="Node"/> is the function
/// <see cref="MerkleProofs"/> reads. One writer at a time; reads must not overlap an append.
/// </summary>
public sealed class MerkleNodeStore
{
    private readonly List<Level> _levels = [];

    public long Size { get; private set; }

    /// <summary>Adds the next leaf hash and returns its index.</summary>
    public long Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException($"A leaf hash has {MerkleTree.HashSize} bytes.", nameof(leafHash));
        }
        var index = Size;
        LevelAt(0).Add(leafHash);
        Span<byte> parent = stackalloc byte[MerkleTree.HashSize];
        var level = 0;
        // Each trailing one bit of the leaf's index is a subtree this leaf completes.
        for (var i = index; (i & 1) == 1; i >>= 1)
        {
            MerkleTree.NodeHash(_levels[level][i - 1], _levels[level][i], parent);
            level++;
            LevelAt(level).Add(parent);
        }
        Size = index + 1;
        return index;
    }

    /// <summary>The hash of the complete subtree over leaves [index·2^level, (index+1)·2^level).</summary>
    public byte[] Node(int level, long index)
    {
        if (level < 0 || level >= _levels.Count || index < 0 || index >= Size >> level)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"No complete subtree ({level}, {index}) in a tree of {Size} leaves.");
        }
        return _levels[level][index].ToArray();
    }

    private Level LevelAt(int level)
    {
        if (level == _levels.Count)
        {
            _levels.Add(new Level());
        }
        return _levels[level];
    }

    // Hashes packed into 1 MiB chunks: ten million leaves are 20 million hashes, and one small array per hash would
    // more than double the memory.
    private sealed class Level
    {
        private const int ChunkShift = 15;
        private const int ChunkHashes = 1 << ChunkShift;
        private readonly List<byte[]> _chunks = [];
        private long _count;

        public ReadOnlySpan<byte> this[long i] =>
            _chunks[(int)(i >> ChunkShift)].AsSpan((int)(i & (ChunkHashes - 1)) * MerkleTree.HashSize, MerkleTree.HashSize);

        public void Add(ReadOnlySpan<byte> hash)
        {
            var offset = (int)(_count & (ChunkHashes - 1));
            if (offset == 0)
            {
                _chunks.Add(new byte[ChunkHashes * MerkleTree.HashSize]);
            }
            hash.CopyTo(_chunks[^1].AsSpan(offset * MerkleTree.HashSize));
            _count++;
        }
    }
}

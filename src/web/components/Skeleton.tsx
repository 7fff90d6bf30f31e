/** Rows of grey bars while a table loads: the page keeps its shape, and says it is loading. */
export function SkeletonRows({ columns, rows = 5 }: { columns: number; rows?: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, row) => (
        <tr key={row} className="skeleton-row" aria-hidden={row > 0 ? true : undefined} role={row === 0 ? 'status' : undefined} aria-busy="true" data-testid={row === 0 ? 'skeleton' : undefined}>
          {Array.from({ length: columns }, (_, column) => (
            <td key={column}>
              <span className="skeleton-bar" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

/** Blocks of grey bars while a page loads. */
export function SkeletonBlock({ label }: { label: string }) {
  return (
    <div className="skeleton-block" role="status" aria-busy="true" data-testid="skeleton">
      <span className="visually-hidden">{label}</span>
      <span className="skeleton-bar wide" />
      <span className="skeleton-bar" />
      <span className="skeleton-bar" />
    </div>
  );
}

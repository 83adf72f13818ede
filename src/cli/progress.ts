/** A one-line progress bar on a terminal; a line per quarter when output is not a terminal. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  let lastQuarter = -1;
  return (done, total) => {
    const share = total ? done / total : 1;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}% ${done}/${total}`);
      if (done >= total) stream.write('\n');
      return;
    }
    const quarter = Math.floor(share * 4);
    if (quarter > lastQuarter) {
      lastQuarter = quarter;
      stream.write(`${label}: ${Math.round(share * 100)}% (${done}/${total})\n`);
    }
  };
}

// Runs a poll function again and again until stopped, pausing briefly when it found nothing or failed.
export class PollLoop {
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly poll: () => Promise<number>,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          // Short polls: moto's long poll does not wake up when a message arrives.
          if ((await this.poll()) === 0) await new Promise((r) => setTimeout(r, 25));
        } catch (error) {
          this.onError(error);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

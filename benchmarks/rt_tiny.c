/*
 * rt_tiny - the smallest program bench_create starts with posix_spawn and
 * fork + execve: it exits at once, so what is measured is the start.
 */
int main(void)
{
    return 0;
}

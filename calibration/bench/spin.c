/* A busy loop that touches one word: a spinner with next to no memory of its own, to
   tell a spinner's footprint from its mere presence (spinner_cost.sh). */
int main(void) {
  volatile unsigned long x = 0;
  for (;;) x++;
}

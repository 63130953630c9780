/** The tag byte that starts every LXT value (§2); 0x08–0xFF are reserved. */
export declare const Tag: Readonly<{
  NIL: 0x00;
  BOOL: 0x01;
  INT: 0x02;
  FLOAT: 0x03;
  STR: 0x04;
  BYTES: 0x05;
  TABLE: 0x06;
  REF: 0x07;
}>;

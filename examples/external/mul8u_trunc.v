// axgen example of an imported circuit (examples/external/README.md), written by
// scripts/gen-external-examples.ts in the layout of EvoApproxLib's generic Verilog.
// Truncated 8x8 unsigned multiplier: partial product B[i]&A[j] left out when i+j < 6, or j < 2 and i < 7.

module mul8u_trunc ( A, B, O );
  input [7:0] A;
  input [7:0] B;
  output [15:0] O;

  wire S_6_0, C_6_0, S_6_1, C_6_1, S_7_0, C_7_0, S_7_1, C_7_1, S_7_2, C_7_2;
  wire S_7_3, C_7_3, S_8_0, C_8_0, S_8_1, C_8_1, S_8_2, C_8_2, S_8_3, C_8_3;
  wire S_8_4, C_8_4, S_9_0, C_9_0, S_9_1, C_9_1, S_9_2, C_9_2, S_9_3, C_9_3;
  wire S_9_4, C_9_4, S_10_0, C_10_0, S_10_1, C_10_1, S_10_2, C_10_2, S_10_3, C_10_3;
  wire S_10_4, C_10_4, S_11_0, C_11_0, S_11_1, C_11_1, S_11_2, C_11_2, S_11_3, C_11_3;
  wire S_12_0, C_12_0, S_12_1, C_12_1, S_12_2, C_12_2, S_13_0, C_13_0, S_13_1, C_13_1;
  wire S_14_0, C_14_0;

  PDKGENFAX1 U0 (.A((A[6] & B[0])), .B((A[5] & B[1])), .C((A[4] & B[2])), .YS(S_6_0), .YC(C_6_0));
  PDKGENFAX1 U1 (.A((A[3] & B[3])), .B((A[2] & B[4])), .C(S_6_0), .YS(S_6_1), .YC(C_6_1));
  PDKGENFAX1 U2 (.A((A[7] & B[0])), .B((A[6] & B[1])), .C((A[5] & B[2])), .YS(S_7_0), .YC(C_7_0));
  PDKGENFAX1 U3 (.A((A[4] & B[3])), .B((A[3] & B[4])), .C((A[2] & B[5])), .YS(S_7_1), .YC(C_7_1));
  PDKGENFAX1 U4 (.A((A[0] & B[7])), .B(C_6_0), .C(C_6_1), .YS(S_7_2), .YC(C_7_2));
  PDKGENFAX1 U5 (.A(S_7_0), .B(S_7_1), .C(S_7_2), .YS(S_7_3), .YC(C_7_3));
  PDKGENFAX1 U6 (.A((A[7] & B[1])), .B((A[6] & B[2])), .C((A[5] & B[3])), .YS(S_8_0), .YC(C_8_0));
  PDKGENFAX1 U7 (.A((A[4] & B[4])), .B((A[3] & B[5])), .C((A[2] & B[6])), .YS(S_8_1), .YC(C_8_1));
  PDKGENFAX1 U8 (.A((A[1] & B[7])), .B(C_7_0), .C(C_7_1), .YS(S_8_2), .YC(C_8_2));
  PDKGENFAX1 U9 (.A(C_7_2), .B(C_7_3), .C(S_8_0), .YS(S_8_3), .YC(C_8_3));
  PDKGENFAX1 U10 (.A(S_8_1), .B(S_8_2), .C(S_8_3), .YS(S_8_4), .YC(C_8_4));
  PDKGENFAX1 U11 (.A((A[7] & B[2])), .B((A[6] & B[3])), .C((A[5] & B[4])), .YS(S_9_0), .YC(C_9_0));
  PDKGENFAX1 U12 (.A((A[4] & B[5])), .B((A[3] & B[6])), .C((A[2] & B[7])), .YS(S_9_1), .YC(C_9_1));
  PDKGENFAX1 U13 (.A(C_8_0), .B(C_8_1), .C(C_8_2), .YS(S_9_2), .YC(C_9_2));
  PDKGENFAX1 U14 (.A(C_8_3), .B(C_8_4), .C(S_9_0), .YS(S_9_3), .YC(C_9_3));
  PDKGENFAX1 U15 (.A(S_9_1), .B(S_9_2), .C(S_9_3), .YS(S_9_4), .YC(C_9_4));
  PDKGENFAX1 U16 (.A((A[7] & B[3])), .B((A[6] & B[4])), .C((A[5] & B[5])), .YS(S_10_0), .YC(C_10_0));
  PDKGENFAX1 U17 (.A((A[4] & B[6])), .B((A[3] & B[7])), .C(C_9_0), .YS(S_10_1), .YC(C_10_1));
  PDKGENFAX1 U18 (.A(C_9_1), .B(C_9_2), .C(C_9_3), .YS(S_10_2), .YC(C_10_2));
  PDKGENFAX1 U19 (.A(C_9_4), .B(S_10_0), .C(S_10_1), .YS(S_10_3), .YC(C_10_3));
  PDKGENHAX1 U20 (.A(S_10_2), .B(S_10_3), .YS(S_10_4), .YC(C_10_4));
  PDKGENFAX1 U21 (.A((A[7] & B[4])), .B((A[6] & B[5])), .C((A[5] & B[6])), .YS(S_11_0), .YC(C_11_0));
  PDKGENFAX1 U22 (.A((A[4] & B[7])), .B(C_10_0), .C(C_10_1), .YS(S_11_1), .YC(C_11_1));
  PDKGENFAX1 U23 (.A(C_10_2), .B(C_10_3), .C(C_10_4), .YS(S_11_2), .YC(C_11_2));
  PDKGENFAX1 U24 (.A(S_11_0), .B(S_11_1), .C(S_11_2), .YS(S_11_3), .YC(C_11_3));
  PDKGENFAX1 U25 (.A((A[7] & B[5])), .B((A[6] & B[6])), .C((A[5] & B[7])), .YS(S_12_0), .YC(C_12_0));
  PDKGENFAX1 U26 (.A(C_11_0), .B(C_11_1), .C(C_11_2), .YS(S_12_1), .YC(C_12_1));
  PDKGENFAX1 U27 (.A(C_11_3), .B(S_12_0), .C(S_12_1), .YS(S_12_2), .YC(C_12_2));
  PDKGENFAX1 U28 (.A((A[7] & B[6])), .B((A[6] & B[7])), .C(C_12_0), .YS(S_13_0), .YC(C_13_0));
  PDKGENFAX1 U29 (.A(C_12_1), .B(C_12_2), .C(S_13_0), .YS(S_13_1), .YC(C_13_1));
  PDKGENFAX1 U30 (.A((A[7] & B[7])), .B(C_13_0), .C(C_13_1), .YS(S_14_0), .YC(C_14_0));

  assign O[0] = 1'b0;
  assign O[1] = 1'b0;
  assign O[2] = 1'b0;
  assign O[3] = 1'b0;
  assign O[4] = 1'b0;
  assign O[5] = 1'b0;
  assign O[6] = S_6_1;
  assign O[7] = S_7_3;
  assign O[8] = S_8_4;
  assign O[9] = S_9_4;
  assign O[10] = S_10_4;
  assign O[11] = S_11_3;
  assign O[12] = S_12_2;
  assign O[13] = S_13_1;
  assign O[14] = S_14_0;
  assign O[15] = C_14_0;
endmodule

module PDKGENHAX1 ( A, B, YS, YC );
  input A;
  input B;
  output YS;
  output YC;
  assign YS = A ^ B;
  assign YC = A & B;
endmodule

module PDKGENFAX1 ( A, B, C, YS, YC );
  input A;
  input B;
  input C;
  output YS;
  output YC;
  assign YS = A ^ B ^ C;
  assign YC = (A & B) | (B & C) | (A & C);
endmodule

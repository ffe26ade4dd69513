// axgen example of an imported circuit (examples/external/README.md), written by
// scripts/gen-external-examples.ts in the layout of EvoApproxLib's generic Verilog.
// Truncated 6x6 unsigned multiplier: partial product B[i]&A[j] left out when i+j < 4.

module mul6u_trunc ( A, B, O );
  input [5:0] A;
  input [5:0] B;
  output [11:0] O;

  wire S_4_0, C_4_0, S_4_1, C_4_1, S_5_0, C_5_0, S_5_1, C_5_1, S_5_2, C_5_2;
  wire S_5_3, C_5_3, S_6_0, C_6_0, S_6_1, C_6_1, S_6_2, C_6_2, S_6_3, C_6_3;
  wire S_7_0, C_7_0, S_7_1, C_7_1, S_7_2, C_7_2, S_7_3, C_7_3, S_8_0, C_8_0;
  wire S_8_1, C_8_1, S_8_2, C_8_2, S_9_0, C_9_0, S_9_1, C_9_1, S_10_0, C_10_0;

  PDKGENFAX1 U0 (.A((A[4] & B[0])), .B((A[3] & B[1])), .C((A[2] & B[2])), .YS(S_4_0), .YC(C_4_0));
  PDKGENFAX1 U1 (.A((A[1] & B[3])), .B((A[0] & B[4])), .C(S_4_0), .YS(S_4_1), .YC(C_4_1));
  PDKGENFAX1 U2 (.A((A[5] & B[0])), .B((A[4] & B[1])), .C((A[3] & B[2])), .YS(S_5_0), .YC(C_5_0));
  PDKGENFAX1 U3 (.A((A[2] & B[3])), .B((A[1] & B[4])), .C((A[0] & B[5])), .YS(S_5_1), .YC(C_5_1));
  PDKGENFAX1 U4 (.A(C_4_0), .B(C_4_1), .C(S_5_0), .YS(S_5_2), .YC(C_5_2));
  PDKGENHAX1 U5 (.A(S_5_1), .B(S_5_2), .YS(S_5_3), .YC(C_5_3));
  PDKGENFAX1 U6 (.A((A[5] & B[1])), .B((A[4] & B[2])), .C((A[3] & B[3])), .YS(S_6_0), .YC(C_6_0));
  PDKGENFAX1 U7 (.A((A[2] & B[4])), .B((A[1] & B[5])), .C(C_5_0), .YS(S_6_1), .YC(C_6_1));
  PDKGENFAX1 U8 (.A(C_5_1), .B(C_5_2), .C(C_5_3), .YS(S_6_2), .YC(C_6_2));
  PDKGENFAX1 U9 (.A(S_6_0), .B(S_6_1), .C(S_6_2), .YS(S_6_3), .YC(C_6_3));
  PDKGENFAX1 U10 (.A((A[5] & B[2])), .B((A[4] & B[3])), .C((A[3] & B[4])), .YS(S_7_0), .YC(C_7_0));
  PDKGENFAX1 U11 (.A((A[2] & B[5])), .B(C_6_0), .C(C_6_1), .YS(S_7_1), .YC(C_7_1));
  PDKGENFAX1 U12 (.A(C_6_2), .B(C_6_3), .C(S_7_0), .YS(S_7_2), .YC(C_7_2));
  PDKGENHAX1 U13 (.A(S_7_1), .B(S_7_2), .YS(S_7_3), .YC(C_7_3));
  PDKGENFAX1 U14 (.A((A[5] & B[3])), .B((A[4] & B[4])), .C((A[3] & B[5])), .YS(S_8_0), .YC(C_8_0));
  PDKGENFAX1 U15 (.A(C_7_0), .B(C_7_1), .C(C_7_2), .YS(S_8_1), .YC(C_8_1));
  PDKGENFAX1 U16 (.A(C_7_3), .B(S_8_0), .C(S_8_1), .YS(S_8_2), .YC(C_8_2));
  PDKGENFAX1 U17 (.A((A[5] & B[4])), .B((A[4] & B[5])), .C(C_8_0), .YS(S_9_0), .YC(C_9_0));
  PDKGENFAX1 U18 (.A(C_8_1), .B(C_8_2), .C(S_9_0), .YS(S_9_1), .YC(C_9_1));
  PDKGENFAX1 U19 (.A((A[5] & B[5])), .B(C_9_0), .C(C_9_1), .YS(S_10_0), .YC(C_10_0));

  assign O[0] = 1'b0;
  assign O[1] = 1'b0;
  assign O[2] = 1'b0;
  assign O[3] = 1'b0;
  assign O[4] = S_4_1;
  assign O[5] = S_5_3;
  assign O[6] = S_6_3;
  assign O[7] = S_7_3;
  assign O[8] = S_8_2;
  assign O[9] = S_9_1;
  assign O[10] = S_10_0;
  assign O[11] = C_10_0;
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

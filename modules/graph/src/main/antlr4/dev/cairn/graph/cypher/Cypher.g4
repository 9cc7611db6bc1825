/*
 * openCypher for Cairn's graph module. The rule structure and names follow the openCypher grammar
 * (openCypher 9 / the 2024 TCK): clauses, patterns, the expression precedence ladder; whitespace is skipped instead
 * of spelled out. Clause order is checked after parsing (clear errors beat parse errors), so `singleQuery` takes
 * any sequence of clauses.
 */
grammar Cypher;

script : statement SEMI? EOF ;

statement
  : indexCommand
  | regularQuery
  ;

indexCommand
  : CREATE INDEX FOR nodeOrRel ON LPAREN propertyExpression (COMMA propertyExpression)* RPAREN   # createIndexFor
  | CREATE INDEX ON COLON labelName LPAREN propertyKeyName (COMMA propertyKeyName)* RPAREN        # createIndexOn
  | DROP INDEX ON COLON labelName LPAREN propertyKeyName (COMMA propertyKeyName)* RPAREN          # dropIndexOn
  | DROP INDEX FOR nodeOrRel ON LPAREN propertyExpression (COMMA propertyExpression)* RPAREN     # dropIndexFor
  ;

nodeOrRel : nodePattern | nodePattern relationshipPattern nodePattern ;

regularQuery : singleQuery union* ;

union : UNION ALL? singleQuery ;

singleQuery : clause+ ;

clause
  : matchClause
  | unwindClause
  | callClause
  | createClause
  | mergeClause
  | deleteClause
  | setClause
  | removeClause
  | foreachClause
  | withClause
  | returnClause
  ;

matchClause : OPTIONAL? MATCH pattern where? ;

unwindClause : UNWIND expression AS variable ;

callClause : CALL procedureName (LPAREN (expression (COMMA expression)*)? RPAREN)? (YIELD (MULT | yieldItems))? ;

procedureName : symbolicName (DOT procedureNamePart)* ;

// after a dot any word names a procedure part (db.idx.fulltext.drop)
procedureNamePart : symbolicName | reservedWord ;

yieldItems : yieldItem (COMMA yieldItem)* where? ;

yieldItem : (symbolicName AS)? variable ;

createClause : CREATE pattern ;

mergeClause : MERGE patternPart mergeAction* ;

mergeAction : ON (MATCH | CREATE) SET setItem (COMMA setItem)* ;

setClause : SET setItem (COMMA setItem)* ;

setItem
  : propertyExpression EQ expression     # setProperty
  | variable EQ expression               # setAll
  | variable PLUSEQ expression           # setMerge
  | variable nodeLabels                  # setLabels
  ;

removeClause : REMOVE removeItem (COMMA removeItem)* ;

removeItem
  : variable nodeLabels                  # removeLabels
  | propertyExpression                   # removeProperty
  ;

deleteClause : DETACH? DELETE expression (COMMA expression)* ;

foreachClause : FOREACH LPAREN variable IN expression STICK clause+ RPAREN ;

withClause : WITH projectionBody where? ;

returnClause : RETURN projectionBody ;

projectionBody : DISTINCT? projectionItems order? skip? limit? ;

projectionItems
  : MULT (COMMA projectionItem)*
  | projectionItem (COMMA projectionItem)*
  ;

projectionItem : expression (AS variable)? ;

order : ORDER BY sortItem (COMMA sortItem)* ;

skip : SKIP_ expression ;

limit : LIMIT expression ;

sortItem : expression (ASCENDING | ASC | DESCENDING | DESC)? ;

where : WHERE expression ;

pattern : patternPart (COMMA patternPart)* ;

patternPart : (variable EQ)? anonymousPatternPart ;

anonymousPatternPart
  : shortestPathPattern
  | patternElement
  ;

shortestPathPattern : (SHORTESTPATH | ALLSHORTESTPATHS) LPAREN patternElement RPAREN ;

patternElement
  : nodePattern patternElementChain*
  | LPAREN patternElement RPAREN
  ;

nodePattern : LPAREN variable? nodeLabels? properties? RPAREN ;

patternElementChain : relationshipPattern nodePattern ;

relationshipPattern
  : LT SUB relationshipDetail? SUB GT?
  | SUB relationshipDetail? SUB GT?
  ;

relationshipDetail : LBRACK variable? relationshipTypes? rangeLiteral? properties? RBRACK ;

properties : mapLiteral | parameter ;

relationshipTypes : COLON relTypeName (STICK COLON? relTypeName)* ;

nodeLabels : (COLON labelName)+ ;

rangeLiteral : MULT integerLiteral? (RANGE integerLiteral?)? ;

propertyExpression : atom (DOT propertyKeyName)+ ;

// expressions, lowest precedence first

expression : orExpression ;

orExpression : xorExpression (OR xorExpression)* ;

xorExpression : andExpression (XOR andExpression)* ;

andExpression : notExpression (AND notExpression)* ;

notExpression : NOT* comparisonExpression ;

comparisonExpression : stringListNullPredicateExpression (comparisonOperator stringListNullPredicateExpression)* ;

comparisonOperator : EQ | NE | LT | GT | LE | GE ;

stringListNullPredicateExpression : addOrSubtractExpression predicateSuffix* ;

predicateSuffix
  : STARTS WITH addOrSubtractExpression   # startsWith
  | ENDS WITH addOrSubtractExpression     # endsWith
  | CONTAINS addOrSubtractExpression      # contains
  | IN addOrSubtractExpression            # inList
  | IS NULL                               # isNull
  | IS NOT NULL                           # isNotNull
  | EQTILDE addOrSubtractExpression       # regexMatch
  ;

addOrSubtractExpression : multiplyDivideModuloExpression (addOp multiplyDivideModuloExpression)* ;

addOp : PLUS | SUB ;

multiplyDivideModuloExpression : powerOfExpression (mulOp powerOfExpression)* ;

mulOp : MULT | DIV | MOD ;

powerOfExpression : unaryAddOrSubtractExpression (CARET unaryAddOrSubtractExpression)* ;

unaryAddOrSubtractExpression
  : nonArithmeticOperatorExpression
  | (PLUS | SUB) unaryAddOrSubtractExpression
  ;

nonArithmeticOperatorExpression : atom postfix* nodeLabels? ;

postfix
  : DOT propertyKeyName                                  # propertyLookup
  | LBRACK expression RBRACK                             # indexLookup
  | LBRACK from=expression? RANGE to=expression? RBRACK  # sliceLookup
  ;

atom
  : literal                                                  # literalAtom
  | parameter                                                # parameterAtom
  | caseExpression                                           # caseAtom
  | COUNT LPAREN MULT RPAREN                                 # countStar
  | listComprehension                                        # listComprehensionAtom
  | patternComprehension                                     # patternComprehensionAtom
  | (ALL | ANY | NONE | SINGLE) LPAREN filterExpression RPAREN  # quantifier
  | relationshipsPattern                                     # patternPredicate
  | LPAREN expression RPAREN                                 # parenthesized
  | EXISTS LBRACE (regularQuery | pattern where?) RBRACE     # existsSubquery
  | REDUCE LPAREN acc=variable EQ init=expression COMMA elem=variable IN list=expression STICK body=expression RPAREN
                                                             # reduceAtom
  | functionInvocation                                       # functionAtom
  | variable                                                 # variableAtom
  ;

filterExpression : variable IN expression (WHERE expression)? ;

listComprehension : LBRACK filterExpression (STICK expression)? RBRACK ;

patternComprehension : LBRACK (variable EQ)? relationshipsPattern (WHERE expression)? STICK expression RBRACK ;

relationshipsPattern : nodePattern patternElementChain+ ;

functionInvocation : functionName LPAREN DISTINCT? (expression (COMMA expression)*)? RPAREN ;

functionName : symbolicName (DOT symbolicName)* ;

caseExpression : CASE test=expression? caseAlternative+ (ELSE elseExpr=expression)? END ;

caseAlternative : WHEN expression THEN expression ;

literal
  : numberLiteral       # numberLit
  | StringLiteral       # stringLit
  | TRUE                # trueLit
  | FALSE               # falseLit
  | NULL                # nullLit
  | mapLiteral          # mapLit
  | listLiteral         # listLit
  ;

listLiteral : LBRACK (expression (COMMA expression)*)? RBRACK ;

mapLiteral : LBRACE (propertyKeyName COLON expression (COMMA propertyKeyName COLON expression)*)? RBRACE ;

parameter : DOLLAR (symbolicName | DecimalInteger) ;

numberLiteral : doubleLiteral | integerLiteral ;

integerLiteral : HexInteger | OctalInteger | DecimalInteger ;

doubleLiteral : ExponentDecimalReal | RegularDecimalReal ;

variable : symbolicName ;

labelName : schemaName ;

relTypeName : schemaName ;

propertyKeyName : schemaName ;

schemaName : symbolicName | reservedWord ;

symbolicName
  : UnescapedSymbolicName | EscapedSymbolicName
  | COUNT | ANY | NONE | SINGLE | FILTER | EXTRACT | EXISTS | SHORTESTPATH | ALLSHORTESTPATHS | INDEX | FOR | REDUCE
  ;

reservedWord
  : ALL | ASC | ASCENDING | BY | CREATE | DELETE | DESC | DESCENDING | DETACH | LIMIT | MATCH | MERGE | ON
  | OPTIONAL | ORDER | REMOVE | RETURN | SET | SKIP_ | WHERE | WITH | UNION | UNWIND | AND | AS | CONTAINS
  | DISTINCT | ENDS | IN | IS | NOT | OR | STARTS | XOR | FALSE | TRUE | NULL | CASE | WHEN | THEN | ELSE | END
  | CALL | YIELD | FOREACH | DROP
  ;

// lexer

EQ : '=' ;
EQTILDE : '=~' ;
NE : '<>' ;
LE : '<=' ;
GE : '>=' ;
LT : '<' ;
GT : '>' ;
PLUSEQ : '+=' ;
RANGE : '..' ;
SEMI : ';' ;
DOT : '.' ;
COMMA : ',' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACE : '{' ;
RBRACE : '}' ;
LBRACK : '[' ;
RBRACK : ']' ;
SUB : '-' ;
PLUS : '+' ;
DIV : '/' ;
MOD : '%' ;
CARET : '^' ;
MULT : '*' ;
COLON : ':' ;
STICK : '|' ;
DOLLAR : '$' ;

ALL : A L L ;
ALLSHORTESTPATHS : A L L S H O R T E S T P A T H S ;
AND : A N D ;
ANY : A N Y ;
AS : A S ;
ASC : A S C ;
ASCENDING : A S C E N D I N G ;
BY : B Y ;
CALL : C A L L ;
CASE : C A S E ;
CONTAINS : C O N T A I N S ;
COUNT : C O U N T ;
CREATE : C R E A T E ;
DELETE : D E L E T E ;
DESC : D E S C ;
DESCENDING : D E S C E N D I N G ;
DETACH : D E T A C H ;
DISTINCT : D I S T I N C T ;
DROP : D R O P ;
ELSE : E L S E ;
END : E N D ;
ENDS : E N D S ;
EXISTS : E X I S T S ;
EXTRACT : E X T R A C T ;
FALSE : F A L S E ;
FILTER : F I L T E R ;
FOR : F O R ;
FOREACH : F O R E A C H ;
IN : I N ;
INDEX : I N D E X ;
IS : I S ;
LIMIT : L I M I T ;
MATCH : M A T C H ;
MERGE : M E R G E ;
NONE : N O N E ;
NOT : N O T ;
NULL : N U L L ;
ON : O N ;
OPTIONAL : O P T I O N A L ;
OR : O R ;
ORDER : O R D E R ;
REMOVE : R E M O V E ;
RETURN : R E T U R N ;
SET : S E T ;
SHORTESTPATH : S H O R T E S T P A T H ;
REDUCE : R E D U C E ;
SINGLE : S I N G L E ;
SKIP_ : S K I P ;
STARTS : S T A R T S ;
THEN : T H E N ;
TRUE : T R U E ;
UNION : U N I O N ;
UNWIND : U N W I N D ;
WHEN : W H E N ;
WHERE : W H E R E ;
WITH : W I T H ;
XOR : X O R ;
YIELD : Y I E L D ;

HexInteger : '0x' [0-9a-fA-F]+ ;
OctalInteger : '0o' [0-7]+ ;
DecimalInteger : '0' | [1-9] [0-9]* ;
ExponentDecimalReal : ([0-9]+ | [0-9]+ '.' [0-9]+ | '.' [0-9]+) [eE] '-'? [0-9]+ ;
RegularDecimalReal : [0-9]* '.' [0-9]+ ;

StringLiteral
  : '"' (~["\\] | '\\' .)* '"'
  | '\'' (~['\\] | '\\' .)* '\''
  ;

EscapedSymbolicName : ('`' ~'`'* '`')+ ;

UnescapedSymbolicName : IdentifierStart IdentifierPart* ;

fragment IdentifierStart : [\p{ID_Start}] | '_' ;
fragment IdentifierPart : [\p{ID_Continue}] | '$' ;

WS : [ \t\r\n\u000B\u000C\u00A0\u2028\u2029\u1680\u2000-\u200A\u202F\u205F\u3000]+ -> skip ;
LINE_COMMENT : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;

fragment A : [aA] ; fragment B : [bB] ; fragment C : [cC] ; fragment D : [dD] ; fragment E : [eE] ;
fragment F : [fF] ; fragment G : [gG] ; fragment H : [hH] ; fragment I : [iI] ; fragment J : [jJ] ;
fragment K : [kK] ; fragment L : [lL] ; fragment M : [mM] ; fragment N : [nN] ; fragment O : [oO] ;
fragment P : [pP] ; fragment Q : [qQ] ; fragment R : [rR] ; fragment S : [sS] ; fragment T : [tT] ;
fragment U : [uU] ; fragment V : [vV] ; fragment W : [wW] ; fragment X : [xX] ; fragment Y : [yY] ;
fragment Z : [zZ] ;
